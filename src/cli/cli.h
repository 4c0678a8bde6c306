// Public header of the cli layer: felixctl, the operator CLI.
//
// RunFelixctl parses argv and runs one subcommand against the given streams,
// returning the process exit code (0 ok, 1 "the object is invalid", 2 usage
// or input errors). main() is a one-line wrapper, so tests drive the real
// command table without spawning processes.
#pragma once

#include <iosfwd>

namespace felix::cli {

int RunFelixctl(int argc, const char* const* argv, std::istream& in, std::ostream& out,
                std::ostream& err);

}  // namespace felix::cli
