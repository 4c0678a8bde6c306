// The etcd clients and the Syncer against a real etcd on loopback (started by
// the test), over both APIs: snapshot, live watch (set, delete, recursive
// delete, TTL expiry), wait-for-ready, Ready lost and regained, an etcd
// restart, and history gaps (v2 event index cleared, v3 compaction). Every
// wait has a deadline.
#include <gtest/gtest.h>

#include <condition_variable>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "base/log.h"
#include "base/strings.h"
#include "datastore/datastore.h"
#include "datastore/testing/etcd_server.h"
#include "datastore/testing/tcp_proxy.h"

namespace felix::datastore {
namespace {

using namespace std::chrono_literals;
using Strings = std::vector<std::string>;
using State = std::map<std::string, std::string>;

// Thread-safe record of what the syncer reported; can hold the syncer inside
// a callback (a "gate") so the test can change etcd behind its back.
class Recorder : public SyncerCallbacks {
 public:
  void OnStatus(SyncStatus s) override {
    std::unique_lock lock(mu_);
    statuses_.push_back(std::string(SyncStatusName(s)));
    cv_.notify_all();
    if (s == SyncStatus::kWaitForReady && hold_on_wait_) Hold(lock);
  }
  void OnUpdates(std::vector<KeyUpdate> updates) override {
    std::lock_guard lock(mu_);
    Strings batch;
    for (auto& u : updates) {
      batch.push_back(u.key + "=" + (u.value ? *u.value : "<del>"));
      if (u.value) {
        state_[u.key] = *u.value;
      } else {
        state_.erase(u.key);
      }
    }
    batches_.push_back(batch);
    cv_.notify_all();
  }
  void OnReachable(bool r) override {
    std::lock_guard lock(mu_);
    reachable_ = r;
  }
  std::optional<bool> reachable() {
    std::lock_guard l(mu_);
    return reachable_;
  }
  void OnInSync() override {
    std::unique_lock lock(mu_);
    ++in_syncs_;
    cv_.notify_all();
    if (hold_on_in_sync_) Hold(lock);
  }

  // Polls `pred` (which may call the accessors below) for up to `timeout`.
  static bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 15s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }
  bool WaitForState(const State& want) {
    return WaitFor([&] { return state() == want; });
  }
  void HoldOnInSync(bool on) {
    std::lock_guard l(mu_);
    hold_on_in_sync_ = on;
  }
  void HoldOnWaitForReady(bool on) {
    std::lock_guard l(mu_);
    hold_on_wait_ = on;
  }
  bool WaitHeld() {
    return WaitFor([&] {
      std::lock_guard l(mu_);
      return held_;
    });
  }
  void Release() {
    std::lock_guard lock(mu_);
    hold_on_in_sync_ = hold_on_wait_ = false;
    released_ = true;
    cv_.notify_all();
  }
  State state() {
    std::lock_guard l(mu_);
    return state_;
  }
  std::vector<Strings> batches() {
    std::lock_guard l(mu_);
    return batches_;
  }
  Strings statuses() {
    std::lock_guard l(mu_);
    return statuses_;
  }
  int in_syncs() {
    std::lock_guard l(mu_);
    return in_syncs_;
  }
  std::string last_status() {
    std::lock_guard l(mu_);
    return statuses_.empty() ? "" : statuses_.back();
  }

 private:
  void Hold(std::unique_lock<std::mutex>& lock) {
    held_ = true;
    released_ = false;
    cv_.notify_all();
    cv_.wait_for(lock, 30s, [&] { return released_; });
    held_ = false;
  }
  std::mutex mu_;
  std::condition_variable cv_;
  State state_;
  std::vector<Strings> batches_;
  Strings statuses_;
  int in_syncs_ = 0;
  std::optional<bool> reachable_;
  bool hold_on_in_sync_ = false, hold_on_wait_ = false, held_ = false, released_ = false;
};

class CaptureSink : public LogSink {
 public:
  explicit CaptureSink(std::shared_ptr<std::pair<std::mutex, Strings>> out) : out_(out) {}
  void Write(const LogRecord& r, std::string_view) override {
    std::lock_guard l(out_->first);
    out_->second.push_back(std::string(SeverityName(r.severity)) + " " + std::string(r.logger) +
                           " " + std::string(r.message));
  }

 private:
  std::shared_ptr<std::pair<std::mutex, Strings>> out_;
};

class EtcdIntegration : public ::testing::TestWithParam<EtcdApi> {
 protected:
  void SetUp() override {
    auto server = testing::EtcdServer::Start();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    etcd_ = std::move(*server);
    writer_ = MakeEtcdClient(etcd_->Settings(GetParam()));
    syncer_client_ = MakeEtcdClient(etcd_->Settings(GetParam()));
    LogRouter::Get().SetSink(LogRouter::Slot::kExtra, std::make_unique<CaptureSink>(logs_),
                             Severity::kInfo);
    options_.ready_poll_interval = 50ms;
    options_.wait_for_ready_log_interval = 200ms;
    options_.backoff_initial = 50ms;
    options_.backoff_max = 400ms;
  }
  void TearDown() override {
    if (syncer_) syncer_->Stop();
    if (HasFailure()) {
      std::lock_guard l(logs_->first);
      for (const auto& line : logs_->second) std::cerr << "log: " << line << "\n";
      for (const auto& b : rec_.batches()) std::cerr << "batch: " << Join(b, " ") << "\n";
    }
    LogRouter::Get().SetSink(LogRouter::Slot::kExtra, nullptr, {});
  }
  void Put(const std::string& k, const std::string& v) {
    ASSERT_TRUE(writer_->Set(k, v).ok()) << k;
  }
  void StartSyncer() {
    syncer_ = std::make_unique<Syncer>(*syncer_client_, rec_, options_);
    syncer_->Start();
  }
  // A freezable proxy in front of the test's etcd (the first endpoint of
  // `settings`).
  static Result<std::unique_ptr<testing::TcpProxy>> ProxyToEtcd(const EtcdSettings& settings) {
    const std::string& e = settings.endpoints.front();
    return testing::TcpProxy::Start(std::stoi(e.substr(e.rfind(':') + 1)));
  }
  // The syncer on `settings` with 1 s silence limits, in sync.
  void SyncWithShortSilenceLimits(EtcdSettings settings) {
    settings.watch_idle_timeout = 1s;
    settings.request_timeout = 1s;
    syncer_client_ = MakeEtcdClient(settings);
    Put("/calico/v1/Ready", "true");
    StartSyncer();
    ASSERT_TRUE(rec_.WaitFor([&] { return rec_.in_syncs() == 1; }));
  }
  bool Logged(std::string_view needle) {
    std::lock_guard l(logs_->first);
    for (const auto& line : logs_->second) {
      if (line.find(needle) != std::string::npos) return true;
    }
    return false;
  }

  std::unique_ptr<testing::EtcdServer> etcd_;
  std::unique_ptr<EtcdClient> writer_;
  std::unique_ptr<EtcdClient> syncer_client_;
  SyncerOptions options_;
  Recorder rec_;
  std::unique_ptr<Syncer> syncer_;
  std::shared_ptr<std::pair<std::mutex, Strings>> logs_ =
      std::make_shared<std::pair<std::mutex, Strings>>();
};

TEST_P(EtcdIntegration, ClientRoundTrip) {
  EXPECT_TRUE(writer_->Get("/calico/v1/Ready").status().IsNotFound());
  Put("/calico/v1/host/h1/endpoint/eth0", R"({"name": "eth0", "labels": {"a": "b&c=d"}})");
  Put("/calico/v1/host/h1/config/X", "1");
  Put("/calico/v10/other", "x");
  EXPECT_EQ(*writer_->Get("/calico/v1/host/h1/endpoint/eth0"),
            R"({"name": "eth0", "labels": {"a": "b&c=d"}})");
  auto snap = writer_->GetPrefix("/calico/v1");
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_GT(snap->index, 0);
  EXPECT_EQ(snap->kvs, (std::vector<KeyValue>{{"/calico/v1/host/h1/config/X", "1"},
                                              {"/calico/v1/host/h1/endpoint/eth0",
                                               R"({"name": "eth0", "labels": {"a": "b&c=d"}})"}}));
  EXPECT_TRUE(writer_->Delete("/calico/v1/host/h1", true).ok());
  auto after = writer_->GetPrefix("/calico/v1");
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->kvs.empty());
  EXPECT_TRUE(writer_->Delete("/calico/v1/nothing", false).IsNotFound());
}

TEST_P(EtcdIntegration, FailsOverFromADeadEndpoint) {
  EtcdSettings settings = etcd_->Settings(GetParam());
  settings.endpoints.insert(settings.endpoints.begin(), "http://127.0.0.1:1");  // refused
  auto client = MakeEtcdClient(settings);
  ASSERT_TRUE(client->Set("/calico/v1/Ready", "true").ok());
  EXPECT_EQ(*writer_->Get("/calico/v1/Ready"), "true");
  EXPECT_EQ(*client->Get("/calico/v1/Ready"), "true");
}

// Behind a proxy that hangs (connections open, nothing relayed), the watch
// goes idle, the new watch gets no answer, and the client moves to the next
// EtcdEndpoints entry: a change written meanwhile arrives in seconds.
TEST_P(EtcdIntegration, FrozenEndpointIsLeftForTheNextOne) {
  EtcdSettings settings = etcd_->Settings(GetParam());
  auto proxy = ProxyToEtcd(settings);
  ASSERT_TRUE(proxy.ok()) << proxy.status().ToString();
  settings.endpoints.insert(settings.endpoints.begin(), (*proxy)->endpoint());
  ASSERT_NO_FATAL_FAILURE(SyncWithShortSilenceLimits(settings));
  (*proxy)->Freeze();
  Put("/calico/v1/policy/tier/default/policy/deny", "{}");
  ASSERT_TRUE(rec_.WaitFor(
      [&] { return rec_.state().contains("/calico/v1/policy/tier/default/policy/deny"); }, 10s));
  EXPECT_EQ(rec_.in_syncs(), 1) << "the watch carried on at the next endpoint: no resync";
}

// With only a frozen endpoint the syncer reports etcd unreachable (the
// agent's readiness), and catches up once the path thaws.
TEST_P(EtcdIntegration, FrozenOnlyEndpointIsUnreachableUntilItThaws) {
  EtcdSettings settings = etcd_->Settings(GetParam());
  auto proxy = ProxyToEtcd(settings);
  ASSERT_TRUE(proxy.ok()) << proxy.status().ToString();
  settings.endpoints = {(*proxy)->endpoint()};
  ASSERT_NO_FATAL_FAILURE(SyncWithShortSilenceLimits(settings));
  EXPECT_EQ(rec_.reachable(), true);
  (*proxy)->Freeze();
  ASSERT_TRUE(rec_.WaitFor([&] { return rec_.reachable() == false; }, 10s));
  Put("/calico/v1/policy/tier/default/policy/deny", "{}");
  (*proxy)->Thaw();
  ASSERT_TRUE(rec_.WaitFor(
      [&] { return rec_.state().contains("/calico/v1/policy/tier/default/policy/deny"); }, 15s));
  EXPECT_EQ(rec_.reachable(), true);
}

// A snapshot that takes longer than any fixed timeout still completes while
// bytes keep coming (a low-speed limit, not a total time).
TEST_P(EtcdIntegration, SlowButMovingSnapshotCompletes) {
  EtcdSettings settings = etcd_->Settings(GetParam());
  auto proxy = ProxyToEtcd(settings);
  ASSERT_TRUE(proxy.ok()) << proxy.status().ToString();
  settings.endpoints = {(*proxy)->endpoint()};
  settings.request_timeout = 1s;
  // 1.5 MB at 500 kB/s: three times the silence limit, never a silent second.
  const std::string value(30000, 'v');
  for (int i = 0; i < 50; ++i) Put("/calico/v1/host/h/endpoint/e" + std::to_string(i), value);
  (*proxy)->SetRate(500000);
  auto client = MakeEtcdClient(settings);
  const auto start = std::chrono::steady_clock::now();
  auto snap = client->GetPrefix("/calico/v1");
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ(snap->kvs.size(), 50u);
  EXPECT_GT(std::chrono::steady_clock::now() - start, 2s) << "the throttle did not hold";
}

TEST_P(EtcdIntegration, SetWithTtlExpires) {
  ASSERT_TRUE(writer_->SetWithTtl("/calico/felix/v1/host/h1/status", "{}", 1s).ok());
  EXPECT_EQ(*writer_->Get("/calico/felix/v1/host/h1/status"), "{}");
  ASSERT_TRUE(Recorder::WaitFor(
      [&] { return writer_->Get("/calico/felix/v1/host/h1/status").status().IsNotFound(); }, 10s));
}

TEST_P(EtcdIntegration, SnapshotThenLiveWatch) {
  Put("/calico/v1/Ready", "true");
  Put("/calico/v1/config/LogSeverityFile", "debug");
  Put("/calico/v1/host/h1/endpoint/e1", "{}");
  Put("/calico/v2/ignored", "x");
  StartSyncer();
  ASSERT_TRUE(rec_.WaitForState({{"/calico/v1/Ready", "true"},
                                 {"/calico/v1/config/LogSeverityFile", "debug"},
                                 {"/calico/v1/host/h1/endpoint/e1", "{}"}}));
  ASSERT_TRUE(rec_.WaitFor([&] { return rec_.in_syncs() == 1; }));
  EXPECT_EQ(rec_.statuses(), (Strings{"resync", "in-sync"}));
  EXPECT_EQ(rec_.batches().size(), 1u) << "the snapshot is one batch";

  Put("/calico/v1/host/h1/endpoint/e1", R"({"x":1})");
  Put("/calico/v1/host/h1/endpoint/e2", "{}");
  Put("/calico/v1/host/h1/workload/o/w/endpoint/e3", "{}");
  ASSERT_TRUE(writer_->Delete("/calico/v1/config/LogSeverityFile", false).ok());
  ASSERT_TRUE(rec_.WaitForState({{"/calico/v1/Ready", "true"},
                                 {"/calico/v1/host/h1/endpoint/e1", R"({"x":1})"},
                                 {"/calico/v1/host/h1/endpoint/e2", "{}"},
                                 {"/calico/v1/host/h1/workload/o/w/endpoint/e3", "{}"}}));
  ASSERT_TRUE(writer_->Delete("/calico/v1/host/h1", true).ok());
  ASSERT_TRUE(rec_.WaitForState({{"/calico/v1/Ready", "true"}}));

  // TTL expiry is a delete (v2: ttl=1; v3: a 1 s lease).
  if (GetParam() == EtcdApi::kV2) {
    auto out = etcd_->Etcdctl(EtcdApi::kV2, {"set", "--ttl", "1", "/calico/v1/t", "v"});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
  } else {
    auto lease = etcd_->Etcdctl(EtcdApi::kV3, {"lease", "grant", "1"});
    ASSERT_TRUE(lease.ok()) << lease.status().ToString();
    std::string id = lease->substr(6, lease->find(' ', 6) - 6);  // "lease <id> granted..."
    auto out = etcd_->Etcdctl(EtcdApi::kV3, {"put", "--lease=" + id, "/calico/v1/t", "v"});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
  }
  ASSERT_TRUE(rec_.WaitFor([&] { return rec_.batches().back() == Strings{"/calico/v1/t=v"}; }));
  ASSERT_TRUE(rec_.WaitForState({{"/calico/v1/Ready", "true"}}));
  EXPECT_EQ(rec_.batches().back(), Strings{"/calico/v1/t=<del>"});
  EXPECT_EQ(rec_.in_syncs(), 1) << "no resync was needed";
}

TEST_P(EtcdIntegration, WaitsForReadyThenSyncs) {
  Put("/calico/v1/host/h1/endpoint/e1", "{}");
  StartSyncer();
  ASSERT_TRUE(rec_.WaitFor([&] { return !rec_.statuses().empty(); }));
  EXPECT_EQ(rec_.statuses(), Strings{"wait-for-ready"});
  ASSERT_TRUE(rec_.WaitFor([&] {
    return Logged(
        "INFO calico.felix.etcd Waiting for /calico/v1/Ready to be true (status "
        "wait-for-ready); Ready flag is not set");
  }));
  Put("/calico/v1/Ready", "false");
  ASSERT_TRUE(rec_.WaitFor([&] { return Logged("Ready flag is set to 'false'"); }));
  EXPECT_TRUE(rec_.batches().empty()) << "nothing is emitted before Ready";
  Put("/calico/v1/Ready", "true");
  ASSERT_TRUE(
      rec_.WaitForState({{"/calico/v1/Ready", "true"}, {"/calico/v1/host/h1/endpoint/e1", "{}"}}));
  ASSERT_TRUE(rec_.WaitFor([&] { return rec_.in_syncs() == 1; }));
  EXPECT_EQ(rec_.statuses(), (Strings{"wait-for-ready", "resync", "in-sync"}));
  EXPECT_TRUE(Logged("INFO calico.felix.etcd etcd driver status changed to wait-for-ready"));
}

TEST_P(EtcdIntegration, ReadyFalsePausesAndResumesWithDifferences) {
  Put("/calico/v1/Ready", "true");
  Put("/calico/v1/a", "1");
  StartSyncer();
  ASSERT_TRUE(rec_.WaitForState({{"/calico/v1/Ready", "true"}, {"/calico/v1/a", "1"}}));
  Put("/calico/v1/Ready", "false");
  ASSERT_TRUE(rec_.WaitFor([&] { return rec_.last_status() == "wait-for-ready"; }));
  EXPECT_TRUE(
      Logged("WARNING calico.felix.etcd Ready key no longer set to true, triggering "
             "resync."));
  size_t batches_before = rec_.batches().size();
  Put("/calico/v1/b", "2");
  ASSERT_TRUE(writer_->Delete("/calico/v1/a", false).ok());
  EXPECT_FALSE(rec_.WaitFor([&] { return rec_.batches().size() > batches_before; }, 500ms))
      << "paused while Ready is false";
  ASSERT_TRUE(writer_->Delete("/calico/v1/Ready", false).ok());  // deleted: still paused
  Put("/calico/v1/Ready", "true");
  ASSERT_TRUE(rec_.WaitForState({{"/calico/v1/Ready", "true"}, {"/calico/v1/b", "2"}}));
  auto batches = rec_.batches();
  ASSERT_EQ(batches.size(), batches_before + 1);
  EXPECT_EQ(batches.back(), (Strings{"/calico/v1/a=<del>", "/calico/v1/b=2"}))
      << "only the differences";
}

TEST_P(EtcdIntegration, EtcdRestartReconnectsAndResyncsDifferences) {
  Put("/calico/v1/Ready", "true");
  Put("/calico/v1/a", "1");
  Put("/calico/v1/b", "2");
  StartSyncer();
  ASSERT_TRUE(rec_.WaitForState(
      {{"/calico/v1/Ready", "true"}, {"/calico/v1/a", "1"}, {"/calico/v1/b", "2"}}));
  rec_.HoldOnWaitForReady(true);  // holds the syncer once it notices etcd is gone
  etcd_->Kill();
  ASSERT_TRUE(rec_.WaitHeld());
  ASSERT_TRUE(etcd_->Restart().ok());
  Put("/calico/v1/a", "changed");
  ASSERT_TRUE(writer_->Delete("/calico/v1/b", false).ok());
  Put("/calico/v1/c", "3");
  size_t batches_before = rec_.batches().size();
  rec_.Release();
  ASSERT_TRUE(rec_.WaitForState(
      {{"/calico/v1/Ready", "true"}, {"/calico/v1/a", "changed"}, {"/calico/v1/c", "3"}}));
  auto batches = rec_.batches();
  ASSERT_EQ(batches.size(), batches_before + 1);
  EXPECT_EQ(batches.back(),
            (Strings{"/calico/v1/a=changed", "/calico/v1/b=<del>", "/calico/v1/c=3"}));
  EXPECT_TRUE(Logged("WARNING calico.felix.etcd Failed to load Ready flag from etcd: etcd "
                     "request GET failed: " +
                     etcd_->endpoint()) ||
              Logged("WARNING calico.felix.etcd Failed to load Ready flag from etcd: etcd "
                     "request POST failed: " +
                     etcd_->endpoint()));
  // Still watching after the restart.
  Put("/calico/v1/d", "4");
  ASSERT_TRUE(rec_.WaitFor([&] { return rec_.batches().back() == Strings{"/calico/v1/d=4"}; }));
}

TEST_P(EtcdIntegration, HistoryGapResyncs) {
  Put("/calico/v1/Ready", "true");
  Put("/calico/v1/a", "1");
  rec_.HoldOnInSync(true);  // the watch starts only after this returns
  StartSyncer();
  ASSERT_TRUE(rec_.WaitHeld());
  ASSERT_TRUE(writer_->Delete("/calico/v1/a", false).ok());
  if (GetParam() == EtcdApi::kV2) {
    // etcd v2 keeps the last 1000 events; push the watch index out of it.
    for (int i = 0; i < 1010; ++i)
      Put("/calico/v1/bulk/k" + std::to_string(i % 20), std::to_string(i));
  } else {
    for (int i = 0; i < 20; ++i) Put("/calico/v1/bulk/k" + std::to_string(i), std::to_string(i));
    auto rev = writer_->GetPrefix("/calico/v1");
    ASSERT_TRUE(rev.ok());
    auto out = etcd_->Etcdctl(EtcdApi::kV3, {"compact", std::to_string(rev->index)});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
  }
  // The final state, whatever the API.
  auto final_snap = writer_->GetPrefix("/calico/v1");
  ASSERT_TRUE(final_snap.ok());
  State want;
  for (const KeyValue& kv : final_snap->kvs) want[kv.key] = kv.value;
  rec_.Release();
  ASSERT_TRUE(rec_.WaitFor([&] { return rec_.in_syncs() == 2; }));
  ASSERT_TRUE(rec_.WaitForState(want));
  EXPECT_TRUE(Logged(GetParam() == EtcdApi::kV2
                         ? "WARNING calico.felix.etcd etcd history no longer available, "
                           "resyncing: etcd error 401: The event in requested index is outdated "
                           "and cleared"
                         : "WARNING calico.felix.etcd etcd history no longer available, "
                           "resyncing: etcd history compacted up to revision"));
  auto batches = rec_.batches();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches.back().front(), "/calico/v1/a=<del>");
  EXPECT_EQ(batches.back().size(), 21u) << "a deleted + 20 bulk keys, Ready unchanged";
}

// etcd v3 authentication with the least-privilege role docs/security.md
// documents: the agent's user reads /calico/v1 and writes only its own
// status keys; a wrong password is a clear error; the token is renewed.
TEST(EtcdAuthIntegration, LeastPrivilegeUserSyncsAndCannotWritePolicy) {
  auto server = testing::EtcdServer::Start();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto& etcd = **server;
  auto ctl = [&](std::vector<std::string> args) {
    auto r = etcd.Etcdctl(EtcdApi::kV3, args);
    EXPECT_TRUE(r.ok()) << Join(args, " ") << ": " << r.status().ToString();
  };
  ctl({"put", "/calico/v1/Ready", "true"});
  ctl({"put", "/calico/v1/policy/tier/default/policy/p", "{}"});
  ctl({"user", "add", "root", "--new-user-password=rootpw"});
  ctl({"role", "add", "felix-h1"});
  ctl({"role", "grant-permission", "felix-h1", "read", "/calico/v1/", "--prefix=true"});
  ctl({"role", "grant-permission", "felix-h1", "readwrite", "/calico/felix/v1/host/h1/",
       "--prefix=true"});
  ctl({"user", "add", "felix-h1", "--new-user-password=pw"});
  ctl({"user", "grant-role", "felix-h1", "felix-h1"});
  ctl({"auth", "enable"});

  EtcdSettings settings = etcd.Settings(EtcdApi::kV3);
  auto anonymous = MakeEtcdClient(settings);
  EXPECT_FALSE(anonymous->Get("/calico/v1/Ready").ok()) << "auth is on";
  settings.username = "felix-h1";
  settings.password = "wrong";
  auto bad = MakeEtcdClient(settings);
  auto denied = bad->Get("/calico/v1/Ready");
  ASSERT_FALSE(denied.ok());
  EXPECT_NE(denied.status().message().find("etcd authentication as felix-h1 failed"),
            std::string::npos)
      << denied.status().message();

  settings.password = "pw";
  auto client = MakeEtcdClient(settings);
  Recorder rec;
  SyncerOptions options;
  options.ready_poll_interval = 50ms;
  Syncer syncer(*client, rec, options);
  syncer.Start();
  ASSERT_TRUE(rec.WaitForState(
      {{"/calico/v1/Ready", "true"}, {"/calico/v1/policy/tier/default/policy/p", "{}"}}));
  ctl({"--user=root:rootpw", "put", "/calico/v1/host/h1/endpoint/e", "{}"});
  ASSERT_TRUE(rec.WaitFor([&] { return rec.state().contains("/calico/v1/host/h1/endpoint/e"); }))
      << "the watch works with the token";
  syncer.Stop();
  EXPECT_TRUE(client->Set("/calico/felix/v1/host/h1/status", "{}").ok()) << "its own status";
  EXPECT_FALSE(client->Set("/calico/v1/policy/tier/default/policy/p", "evil").ok());
  EXPECT_FALSE(client->Set("/calico/felix/v1/host/h2/status", "{}").ok()) << "another host's";
  ctl({"--user=root:rootpw", "auth", "disable"});
}

INSTANTIATE_TEST_SUITE_P(Apis, EtcdIntegration, ::testing::Values(EtcdApi::kV2, EtcdApi::kV3),
                         [](const auto& info) {
                           return info.param == EtcdApi::kV2 ? std::string("V2")
                                                             : std::string("V3");
                         });

}  // namespace
}  // namespace felix::datastore
