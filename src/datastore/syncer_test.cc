// Syncer unit tests against a scripted fake etcd: wait-for-ready, snapshot,
// watch, resync with differences only, dir deletes, Ready lost, backoff and
// rate-limited logging (FakeClock; no test sleeps).
#include <gtest/gtest.h>

#include "base/log.h"
#include "datastore/datastore.h"
#include "datastore/fake_etcd.h"

namespace felix::datastore {
namespace {

using std::chrono::milliseconds;
using Strings = std::vector<std::string>;

class CaptureSink : public LogSink {
 public:
  explicit CaptureSink(Strings* out) : out_(out) {}
  void Write(const LogRecord& r, std::string_view) override {
    out_->push_back(std::string(SeverityName(r.severity)) + " " + std::string(r.message));
  }

 private:
  Strings* out_;
};

class SyncerTest : public ::testing::Test {
 protected:
  SyncerTest() {
    LogRouter::Get().SetSink(LogRouter::Slot::kExtra, std::make_unique<CaptureSink>(&logs),
                             Severity::kInfo);
    options.clock = &clock;
    options.sleep_for_test = [this](milliseconds d) {
      sleeps.push_back(d.count());
      clock.Advance(d);
      if (on_sleep) on_sleep(sleeps.size());
      if (sleeps.size() > 100) syncer->Stop();  // safety net
    };
    etcd.on_exhausted = [this] { syncer->Stop(); };
  }
  ~SyncerTest() override { LogRouter::Get().SetSink(LogRouter::Slot::kExtra, nullptr, {}); }

  void Run() {
    syncer = std::make_unique<Syncer>(etcd, callbacks, options);
    syncer->Run();
  }
  Strings Matching(std::string_view needle) const {
    Strings out;
    for (const auto& l : logs) {
      if (l.find(needle) != std::string::npos) out.push_back(l);
    }
    return out;
  }

  FakeClock clock;
  FakeEtcdClient etcd;
  RecordingCallbacks callbacks;
  SyncerOptions options;
  std::unique_ptr<Syncer> syncer;
  std::vector<int64_t> sleeps;
  std::function<void(size_t)> on_sleep;
  Strings logs;
};

TEST_F(SyncerTest, WaitsForReadyThenEmitsTheSnapshotAndWatchesFromIndexPlusOne) {
  etcd.data = {{"/calico/v1/config/X", "1"}, {"/calico/v2/other", "no"}};
  on_sleep = [&](size_t n) {
    if (n == 2) etcd.data["/calico/v1/Ready"] = "false";
    if (n == 3) etcd.data["/calico/v1/Ready"] = "true";
  };
  Run();
  EXPECT_EQ(callbacks.log, (Strings{"status wait-for-ready", "status resync",
                                    "updates /calico/v1/Ready=true /calico/v1/config/X=1",
                                    "status in-sync", "in-sync"}));
  EXPECT_EQ(sleeps, (std::vector<int64_t>{1000, 1000, 1000}));
  EXPECT_EQ(etcd.calls.back(), "Watch /calico/v1 from 11");
  EXPECT_EQ(Matching("wait-for-ready"),
            (Strings{"INFO etcd driver status changed to wait-for-ready",
                     "INFO Waiting for /calico/v1/Ready to be true (status wait-for-ready); Ready "
                     "flag is not set"}))
      << "the periodic line repeats only every 10 s";
}

TEST_F(SyncerTest, WaitForReadyIsLoggedPeriodically) {
  options.wait_for_ready_log_interval = milliseconds(2000);
  on_sleep = [&](size_t n) {
    if (n == 2) etcd.data["/calico/v1/Ready"] = "false";
    if (n == 5) etcd.data["/calico/v1/Ready"] = "true";
  };
  Run();
  EXPECT_EQ(Matching("Waiting for"),
            (Strings{"INFO Waiting for /calico/v1/Ready to be true (status wait-for-ready); Ready "
                     "flag is not set",
                     "INFO Waiting for /calico/v1/Ready to be true (status wait-for-ready); Ready "
                     "flag is set to 'false'",
                     "INFO Waiting for /calico/v1/Ready to be true (status wait-for-ready); Ready "
                     "flag is set to 'false'"}));
}

TEST_F(SyncerTest, WatchEventsAreForwardedAndResyncEmitsOnlyDifferences) {
  etcd.data = {{"/calico/v1/Ready", "true"}, {"/calico/v1/a", "1"}, {"/calico/v1/b", "2"}};
  etcd.watches.push_back(
      WatchScript{.batches = {{{"/calico/v1/c", "3", false, 11}},
                              {{"/calico/v1/c", "3", false, 12}},            // same value: nothing
                              {{"/calico/v1/zz", std::nullopt, false, 13}},  // never seen: nothing
                              {{"/calico/v1/b", std::nullopt, false, 14}}},
                  .end = {WatchEnd::Kind::kHistoryGone, "etcd error 401: cleared"},
                  .after = [&] {
                    etcd.data["/calico/v1/a"] = "9";  // missed during the gap
                    etcd.data["/calico/v1/d"] = "4";
                    etcd.index = 40;
                  }});
  Run();
  EXPECT_EQ(callbacks.log,
            (Strings{"status resync", "updates /calico/v1/Ready=true /calico/v1/a=1 /calico/v1/b=2",
                     "status in-sync", "in-sync", "updates /calico/v1/c=3",
                     "updates /calico/v1/b=<del>", "status resync",
                     "updates /calico/v1/a=9 /calico/v1/d=4", "status in-sync", "in-sync"}));
  EXPECT_EQ(etcd.calls,
            (Strings{"Get /calico/v1/Ready", "GetPrefix /calico/v1", "Watch /calico/v1 from 11",
                     "Get /calico/v1/Ready", "GetPrefix /calico/v1", "Watch /calico/v1 from 41"}));
  EXPECT_EQ(Matching("history"),
            (Strings{"WARNING etcd history no longer available, resyncing: etcd error 401: "
                     "cleared"}));
  EXPECT_TRUE(sleeps.empty()) << "a gap resyncs at once";
}

TEST_F(SyncerTest, DirectoryDeleteBecomesDeletesOfKnownKeysBelowIt) {
  etcd.data = {{"/calico/v1/Ready", "true"},
               {"/calico/v1/host/h1/a", "1"},
               {"/calico/v1/host/h1/b/c", "2"},
               {"/calico/v1/host/h1-x", "3"},
               {"/calico/v1/host/h10/d", "4"}};
  etcd.watches.push_back(
      WatchScript{.batches = {{{"/calico/v1/host/h1", std::nullopt, true, 11}},
                              {{"/calico/v1/newdir", "", true, 12}}},  // mkdir: nothing
                  .end = {WatchEnd::Kind::kStopped, ""},
                  .after = nullptr});
  Run();
  ASSERT_EQ(callbacks.log.size(), 8u);
  EXPECT_EQ(callbacks.log[4], "updates /calico/v1/host/h1/a=<del> /calico/v1/host/h1/b/c=<del>");
  EXPECT_EQ(callbacks.log[5], "status resync");
  EXPECT_EQ(callbacks.log[6], "status in-sync") << "the resync finds nothing new to emit";
}

TEST_F(SyncerTest, ReadyGoingFalsePausesAndResumesWithDifferences) {
  etcd.data = {{"/calico/v1/Ready", "true"}, {"/calico/v1/a", "1"}};
  etcd.watches.push_back(WatchScript{.batches = {{{"/calico/v1/a", "2", false, 11},
                                                  {"/calico/v1/Ready", "false", false, 12},
                                                  {"/calico/v1/a", "3", false, 13}}},
                                     .end = {WatchEnd::Kind::kHistoryGone, "gap"},
                                     .after = nullptr});
  on_sleep = [&](size_t n) {
    if (n == 2) etcd.data["/calico/v1/Ready"] = "true";
  };
  Run();
  EXPECT_EQ(callbacks.log,
            (Strings{"status resync", "updates /calico/v1/Ready=true /calico/v1/a=1",
                     "status in-sync", "in-sync", "updates /calico/v1/a=2", "status wait-for-ready",
                     "status resync", "updates /calico/v1/a=3", "status in-sync", "in-sync"}));
  EXPECT_EQ(Matching("Ready key"),
            (Strings{"WARNING Ready key no longer set to true, triggering resync."}));
}

TEST_F(SyncerTest, WholePrefixDeletedResyncs) {
  etcd.data = {{"/calico/v1/Ready", "true"}, {"/calico/v1/a", "1"}};
  etcd.watches.push_back(WatchScript{.batches = {{{"/calico", std::nullopt, true, 11}}},
                                     .end = {WatchEnd::Kind::kHistoryGone, "gap"},
                                     .after = nullptr});
  on_sleep = [&](size_t n) {
    if (n == 1) etcd.data = {{"/calico/v1/Ready", "true"}, {"/calico/v1/b", "2"}};
  };
  Run();
  EXPECT_EQ(callbacks.log,
            (Strings{"status resync", "updates /calico/v1/Ready=true /calico/v1/a=1",
                     "status in-sync", "in-sync", "status wait-for-ready", "status resync",
                     "updates /calico/v1/a=<del> /calico/v1/b=2", "status in-sync", "in-sync"}));
  EXPECT_EQ(Matching("Whole"), (Strings{"WARNING Whole /calico/v1 deleted, resyncing"}));
}

TEST_F(SyncerTest, EtcdDownBacksOffWithCapAndRateLimitedWarnings) {
  options.backoff_max = milliseconds(2000);
  options.error_log_interval = milliseconds(3000);
  etcd.data = {{"/calico/v1/Ready", "true"}};
  for (int i = 0; i < 6; ++i) etcd.get_errors.push_back(Status::Unavailable("refused"));
  etcd.snapshot_errors.push_back(Status::Unavailable("reset"));
  etcd.watches.push_back(WatchScript{
      .batches = {}, .end = {WatchEnd::Kind::kBroken, "stream ended"}, .after = nullptr});
  Run();
  // 6 Ready failures (250..2000 capped), snapshot failure (2000), success
  // resets, broken watch (250).
  EXPECT_EQ(sleeps, (std::vector<int64_t>{250, 500, 1000, 2000, 2000, 2000, 2000, 250}));
  EXPECT_EQ(Matching("Ready flag"),
            (Strings{"WARNING Failed to load Ready flag from etcd: refused",
                     "WARNING Failed to load Ready flag from etcd: refused (3 similar messages "
                     "suppressed)"}))
      << "failures at t=0, .25, .75, 1.75, 3.75, 5.75 s; one line per 3 s";
  EXPECT_EQ(Matching("snapshot from"),
            (Strings{"WARNING Failed to load snapshot from etcd: reset"}));
  EXPECT_EQ(Matching("watch failed"),
            (Strings{"WARNING etcd watch failed, resyncing: stream ended"}));
  EXPECT_EQ(callbacks.log.front(), "status wait-for-ready") << "etcd down counts as not ready";
}

// A watch that went silent is restarted where it left off: no snapshot, no
// status change (etcd answering the new watch is the liveness check).
TEST_F(SyncerTest, IdleWatchIsRestartedFromItsNextIndexWithoutResync) {
  etcd.data = {{"/calico/v1/Ready", "true"}};
  etcd.watches.push_back(WatchScript{.batches = {{{"/calico/v1/a", "1", false, 14}}},
                                     .end = {WatchEnd::Kind::kIdle, "no events", 15}});
  etcd.watches.push_back(
      WatchScript{.batches = {}, .end = {WatchEnd::Kind::kIdle, "no events", 15}});
  etcd.watches.push_back(WatchScript{.batches = {{{"/calico/v1/b", "2", false, 20}}},
                                     .end = {WatchEnd::Kind::kStopped, "", 21}});
  Run();
  EXPECT_EQ(etcd.calls,
            (Strings{"Get /calico/v1/Ready", "GetPrefix /calico/v1", "Watch /calico/v1 from 11",
                     "Watch /calico/v1 from 15", "Watch /calico/v1 from 15", "Get /calico/v1/Ready",
                     "GetPrefix /calico/v1", "Watch /calico/v1 from 21"}));
  EXPECT_EQ(callbacks.log,
            (Strings{"status resync", "updates /calico/v1/Ready=true", "status in-sync", "in-sync",
                     "updates /calico/v1/a=1", "updates /calico/v1/b=2", "status resync",
                     "status in-sync", "in-sync"}));
  EXPECT_TRUE(sleeps.empty());
}

// PeriodicResyncInterval: a full snapshot every interval repairs what a
// watch missed, whether the watch is busy or idle.
TEST_F(SyncerTest, PeriodicResyncRepairsWhatTheWatchMissed) {
  options.resync_interval = std::chrono::minutes(60);
  etcd.data = {{"/calico/v1/Ready", "true"}, {"/calico/v1/a", "1"}};
  // An idle watch past the interval: resync (it finds what was missed).
  etcd.watches.push_back(
      WatchScript{.batches = {}, .end = {WatchEnd::Kind::kIdle, "", 11}, .after = [&] {
                    etcd.data["/calico/v1/a"] = "missed";
                    clock.Advance(std::chrono::minutes(61));
                  }});
  // A busy watch: the event handled past the interval ends it.
  etcd.watches.push_back(WatchScript{
      .batches = {{{"/calico/v1/b", "2", false, 12}}, {{"/calico/v1/c", "3", false, 13}}},
      .end = {WatchEnd::Kind::kIdle, "", 14}});
  callbacks.on_updates = [&](const std::string& line) {
    if (line == "updates /calico/v1/b=2") clock.Advance(std::chrono::minutes(61));
  };
  Run();
  EXPECT_EQ(Matching("Periodic resync").size(), 2u);
  EXPECT_EQ(
      callbacks.log,
      (Strings{"status resync", "updates /calico/v1/Ready=true /calico/v1/a=1", "status in-sync",
               "in-sync", "status resync", "updates /calico/v1/a=missed", "status in-sync",
               "in-sync", "updates /calico/v1/b=2", "status resync", "status in-sync", "in-sync"}));
}

TEST_F(SyncerTest, ReachabilityFollowsTheRequests) {
  etcd.data = {{"/calico/v1/Ready", "true"}};
  etcd.get_errors.push_back(Status::Unavailable("refused"));
  etcd.watches.push_back(WatchScript{.batches = {}, .end = {WatchEnd::Kind::kBroken, "frozen"}});
  Run();
  // Ready GET fails, succeeds; the watch breaks; the next GET succeeds.
  EXPECT_EQ(callbacks.reachable, (std::vector<bool>{false, true, false, true}));
}

TEST_F(SyncerTest, StopFromAnotherThreadEndsPromptly) {
  options.sleep_for_test = nullptr;  // real condition-variable wait
  options.ready_poll_interval = milliseconds(60000);
  struct Flagging : RecordingCallbacks {
    void OnStatus(SyncStatus) override { waiting = true; }
    std::atomic<bool> waiting{false};
  } flagging;
  Syncer s(etcd, flagging, options);
  s.Start();
  auto t0 = std::chrono::steady_clock::now();
  while (!flagging.waiting && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5)) {
    std::this_thread::yield();
  }
  ASSERT_TRUE(flagging.waiting);
  s.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

}  // namespace
}  // namespace felix::datastore
