// The etcd commands through the real command table (flags, the settings
// handed to the client factory, usage errors), over an in-memory etcd.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/cli.h"
#include "cli/mem_etcd_test_util.h"

namespace felix::cli {
namespace {

using testing_support::Data;
using testing_support::MemEtcd;
using testing_support::Out;

class CommandTableTest : public testing::Test {
 protected:
  Out Felixctl(std::vector<const char*> args, const std::string& stdin_text = "") {
    args.insert(args.begin(), "felixctl");
    std::istringstream in(stdin_text);
    std::ostringstream out, err;
    const int code = RunFelixctl(static_cast<int>(args.size()), args.data(), in, out, err,
                                 [&](const datastore::EtcdSettings& s) {
                                   settings_.push_back(s);
                                   return std::make_unique<MemEtcd>(data_);
                                 });
    return {code, out.str(), err.str()};
  }
  std::shared_ptr<Data> data_ = std::make_shared<Data>();
  std::vector<datastore::EtcdSettings> settings_;
};

TEST_F(CommandTableTest, EtcdFlagsReachTheClient) {
  auto r = Felixctl({"init", "-c", "/nonexistent/felix.cfg", "--etcd-endpoints",
                     "http://10.1.1.1:2379,http://10.1.1.2:2379", "--etcd-api", "v3"});
  EXPECT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(settings_.size(), 1u);
  EXPECT_EQ(settings_[0].api, datastore::EtcdApi::kV3);
  EXPECT_EQ(settings_[0].endpoints,
            (std::vector<std::string>{"http://10.1.1.1:2379", "http://10.1.1.2:2379"}));
  EXPECT_EQ(*data_, (Data{{"/calico/v1/Ready", "true"}}));
}

TEST_F(CommandTableTest, ApplyGetLsRmFromTheCommandLine) {
  const char* c[] = {"-c", "/nonexistent/felix.cfg"};
  EXPECT_EQ(Felixctl({"apply", c[0], c[1], "-f", "-"},
                     R"({"key": "/calico/v1/config/LogSeverityFile", "value": "DEBUG"})")
                .out,
            "set /calico/v1/config/LogSeverityFile\n");
  EXPECT_EQ(Felixctl({"get", c[0], c[1], "/calico/v1/config/LogSeverityFile"}).out, "DEBUG\n");
  EXPECT_EQ(Felixctl({"ls", c[0], c[1], "-l"}).out, "/calico/v1/config/LogSeverityFile DEBUG\n");
  EXPECT_EQ(Felixctl({"rm", c[0], c[1], "-r", "/calico/v1/config"}).out,
            "deleted /calico/v1/config\n");
  EXPECT_TRUE(data_->empty());
}

TEST_F(CommandTableTest, UsageAndSettingsErrorsExitTwo) {
  EXPECT_EQ(Felixctl({"apply"}).code, 2);  // -f is required
  EXPECT_EQ(Felixctl({"get"}).code, 2);    // KEY is required
  auto api = Felixctl({"get", "--etcd-api", "v4", "/calico/v1/Ready"});
  EXPECT_EQ(api.code, 2);
  EXPECT_EQ(api.err, "felixctl: invalid etcd API 'v4': expected v2 or v3\n");
  EXPECT_TRUE(settings_.empty());
}

}  // namespace
}  // namespace felix::cli
