// fork/execve with a pipe for the output; argv and envp are built before the
// fork so the child only execs.
#include "datastore/testing/subprocess.h"

#include <sys/wait.h>
#include <unistd.h>

#include <string_view>

#include <fmt/format.h>

namespace felix::datastore::testing {
std::vector<char*> ArgvPointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::vector<std::string> EnvironmentWithout(const std::string& drop_prefix) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!std::string_view(*e).starts_with(drop_prefix)) env.emplace_back(*e);
  }
  return env;
}

Result<std::string> RunProgram(const std::vector<std::string>& args,
                               const std::vector<std::string>& env) {
  std::vector<std::string> args_copy = args, env_copy = env;
  auto argv = ArgvPointers(args_copy);
  auto envp = ArgvPointers(env_copy);
  int fds[2];
  if (pipe(fds) != 0) return Status::IoError("pipe failed");
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return Status::IoError("fork failed");
  }
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0) out.append(buf, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string name = args.empty() ? "?" : args[0].substr(args[0].rfind('/') + 1);
    return Status::IoError(fmt::format("{} failed: {}", name, out));
  }
  return out;
}

}  // namespace felix::datastore::testing
