// The etcd clients and the Syncer against a real etcd serving clients over TLS
// with client-certificate auth (EtcdServerOptions::tls), over both APIs: the
// right CA + client certificate works (set, get, prefix, watch, syncer
// snapshot + live update); EtcdCaFile "none" skips server verification; a
// wrong CA, the system CAs, or no client certificate fail with a clear error
// within the configured timeouts. Every wait has a deadline.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "datastore/datastore.h"
#include "datastore/testing/etcd_server.h"

namespace felix::datastore {
namespace {

using namespace std::chrono_literals;
using State = std::map<std::string, std::string>;

bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 15s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// Keeps the state the syncer reported and how many (re)syncs completed.
class StateRecorder : public SyncerCallbacks {
 public:
  void OnStatus(SyncStatus) override {}
  void OnUpdates(std::vector<KeyUpdate> updates) override {
    std::lock_guard l(mu_);
    for (auto& u : updates) {
      if (u.value) {
        state_[u.key] = *u.value;
      } else {
        state_.erase(u.key);
      }
    }
  }
  void OnInSync() override {
    std::lock_guard l(mu_);
    ++in_syncs_;
  }
  State state() {
    std::lock_guard l(mu_);
    return state_;
  }
  int in_syncs() {
    std::lock_guard l(mu_);
    return in_syncs_;
  }

 private:
  std::mutex mu_;
  State state_;
  int in_syncs_ = 0;
};

class EtcdTls : public ::testing::TestWithParam<EtcdApi> {
 protected:
  void SetUp() override {
    auto server = testing::EtcdServer::Start({.tls = true});
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    etcd_ = std::move(*server);
    ASSERT_TRUE(etcd_->endpoint().starts_with("https://127.0.0.1:")) << etcd_->endpoint();
  }
  // What the client sends for a plain read: v2 GETs /v2/keys, v3 POSTs range.
  std::string ReadMethod() const { return GetParam() == EtcdApi::kV2 ? "GET" : "POST"; }

  std::unique_ptr<testing::EtcdServer> etcd_;
};

TEST_P(EtcdTls, ServerSettingsCarryTheTestPki) {
  EtcdSettings s = etcd_->Settings(GetParam());
  EXPECT_EQ(s.endpoints, std::vector<std::string>{etcd_->endpoint()});
  EXPECT_EQ(s.ca_file, etcd_->pki().ca_cert);
  EXPECT_EQ(s.cert_file, etcd_->pki().client_cert);
  EXPECT_EQ(s.key_file, etcd_->pki().client_key);
  // etcdctl, configured with the same files, sees what our client writes.
  auto client = MakeEtcdClient(s);
  Status set = client->Set("/calico/v1/Ready", "true");
  ASSERT_TRUE(set.ok()) << set.ToString();
  auto out = etcd_->Etcdctl(GetParam(), {"get", "/calico/v1/Ready"});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, GetParam() == EtcdApi::kV2 ? "true\n" : "/calico/v1/Ready\ntrue\n");
}

// Set, Get, GetPrefix and a watch that sees one change, with `settings`.
void ExpectClientWorks(const EtcdSettings& settings) {
  auto client = MakeEtcdClient(settings);
  ASSERT_TRUE(client->Set("/calico/v1/host/h1/config/A", "1").ok());
  ASSERT_TRUE(client->Set("/calico/v1/host/h1/config/B", "2").ok());
  auto got = client->Get("/calico/v1/host/h1/config/A");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "1");
  auto snap = client->GetPrefix("/calico/v1");
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ(snap->kvs, (std::vector<KeyValue>{{"/calico/v1/host/h1/config/A", "1"},
                                              {"/calico/v1/host/h1/config/B", "2"}}));

  std::atomic<bool> stop{false};
  std::vector<WatchEvent> seen;
  WatchEnd end;
  std::thread watcher([&] {
    auto watch_client = MakeEtcdClient(settings);
    end = watch_client->Watch(
        "/calico/v1", snap->index + 1,
        [&](std::vector<WatchEvent> events) {
          seen.insert(seen.end(), events.begin(), events.end());
          return false;  // one batch is enough
        },
        stop);
  });
  std::this_thread::sleep_for(200ms);  // the watch from index + 1 misses nothing anyway
  Status set = client->Set("/calico/v1/host/h1/config/A", "changed");
  std::thread guard([&] {  // bounds the test if the watch never delivers
    WaitFor([&] { return stop.load(); }, 10s);
    stop = true;
  });
  watcher.join();
  stop = true;
  guard.join();
  ASSERT_TRUE(set.ok()) << set.ToString();
  EXPECT_EQ(end.kind, WatchEnd::Kind::kStopped) << end.detail;
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].key, "/calico/v1/host/h1/config/A");
  EXPECT_EQ(seen[0].value, std::optional<std::string>("changed"));
  EXPECT_GT(seen[0].index, snap->index);
}

TEST_P(EtcdTls, WorksWithTheCaAndAClientCertificate) {
  ExpectClientWorks(etcd_->Settings(GetParam()));
}

TEST_P(EtcdTls, CaNoneSkipsServerVerification) {
  EtcdSettings s = etcd_->Settings(GetParam());
  s.ca_file = "none";
  ExpectClientWorks(s);
}

// True when `message` is "etcd request <method> failed: <endpoint> (<reason>)"
// where "(<reason>" contains one of `words` and the reason ends with `tail`.
bool IsTransportError(const std::string& message, const std::string& method,
                      const std::string& endpoint, const std::vector<std::string>& words,
                      const std::string& tail) {
  const std::string head = "etcd request " + method + " failed: " + endpoint + " ";
  if (!message.starts_with(head) || !message.ends_with(tail + ")")) return false;
  for (const std::string& w : words) {
    if (message.find(w, head.size()) != std::string::npos) return true;
  }
  return false;
}

constexpr char kNoClientCertHint[] =
    "; no client certificate is configured (EtcdCertFile/EtcdKeyFile), which etcd rejects when "
    "it requires client certificates";

TEST_P(EtcdTls, RejectedSettingsFailClearlyWithinTheTimeouts) {
  struct Case {
    std::string description;
    std::function<void(EtcdSettings&)> change;
    std::vector<std::string> words;  // curl's words, one of these
    std::string tail;                // how the reason ends
  };
  const std::string kUnknownIssuer =
      "SSL certificate problem: unable to get local issuer certificate";
  const std::vector<Case> cases = {
      {"a CA that did not sign the server certificate",
       [&](EtcdSettings& s) { s.ca_file = etcd_->pki().other_ca_cert; },
       {"(" + kUnknownIssuer},
       kUnknownIssuer},
      {"the system CAs (empty ca_file) do not know the test CA",
       [](EtcdSettings& s) { s.ca_file.clear(); },
       {"(" + kUnknownIssuer},
       kUnknownIssuer},
      // etcd (Go) answers an empty certificate with a "bad certificate" alert
      // and closes; depending on which arrives first, curl reports the alert
      // or a reset on send or receive ("Send failure: Connection reset by
      // peer", ...). Only the hint that follows is stable, so only it is pinned.
      {"no client certificate while etcd has --client-cert-auth",
       [](EtcdSettings& s) {
         s.cert_file.clear();
         s.key_file.clear();
       },
       {"("},
       kNoClientCertHint},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.description);
    EtcdSettings s = etcd_->Settings(GetParam());
    s.connect_timeout = 2000ms;
    s.request_timeout = 4000ms;
    c.change(s);
    auto client = MakeEtcdClient(s);
    auto start = std::chrono::steady_clock::now();
    auto got = client->Get("/calico/v1/Ready");
    ASSERT_FALSE(got.ok());
    EXPECT_TRUE(got.status().IsUnavailable());
    EXPECT_TRUE(
        IsTransportError(got.status().message(), ReadMethod(), etcd_->endpoint(), c.words, c.tail))
        << got.status().message();
    auto snap = client->GetPrefix("/calico/v1");
    ASSERT_FALSE(snap.ok());
    EXPECT_TRUE(
        IsTransportError(snap.status().message(), ReadMethod(), etcd_->endpoint(), c.words, c.tail))
        << snap.status().message();
    Status set = client->Set("/calico/v1/Ready", "true");
    EXPECT_TRUE(IsTransportError(set.message(), GetParam() == EtcdApi::kV2 ? "PUT" : "POST",
                                 etcd_->endpoint(), c.words, c.tail))
        << set.message();
    std::atomic<bool> stop{false};
    WatchEnd end = client->Watch(
        "/calico/v1", 1, [](std::vector<WatchEvent>) { return true; }, stop);
    EXPECT_EQ(end.kind, WatchEnd::Kind::kBroken);
    EXPECT_TRUE(IsTransportError(end.detail, ReadMethod(), etcd_->endpoint(), c.words, c.tail))
        << end.detail;
    EXPECT_LT(std::chrono::steady_clock::now() - start, s.request_timeout)
        << "TLS failures are immediate, far within the timeouts";
  }
  // Nothing was written by the rejected clients.
  EXPECT_TRUE(
      MakeEtcdClient(etcd_->Settings(GetParam()))->Get("/calico/v1/Ready").status().IsNotFound());
}

TEST_P(EtcdTls, SyncerSyncsOverTls) {
  auto writer = MakeEtcdClient(etcd_->Settings(GetParam()));
  ASSERT_TRUE(writer->Set("/calico/v1/Ready", "true").ok());
  ASSERT_TRUE(writer->Set("/calico/v1/host/h1/endpoint/e1", "{}").ok());
  auto syncer_client = MakeEtcdClient(etcd_->Settings(GetParam()));
  StateRecorder rec;
  SyncerOptions options;
  options.ready_poll_interval = 50ms;
  options.backoff_initial = 50ms;
  options.backoff_max = 400ms;
  Syncer syncer(*syncer_client, rec, options);
  syncer.Start();
  EXPECT_TRUE(WaitFor([&] {
    return rec.state() ==
               State{{"/calico/v1/Ready", "true"}, {"/calico/v1/host/h1/endpoint/e1", "{}"}} &&
           rec.in_syncs() == 1;
  })) << "snapshot";
  ASSERT_TRUE(writer->Set("/calico/v1/host/h1/endpoint/e2", R"({"x":1})").ok());
  EXPECT_TRUE(WaitFor([&] {
    return rec.state() == State{{"/calico/v1/Ready", "true"},
                                {"/calico/v1/host/h1/endpoint/e1", "{}"},
                                {"/calico/v1/host/h1/endpoint/e2", R"({"x":1})"}};
  })) << "live update";
  syncer.Stop();
  EXPECT_EQ(rec.in_syncs(), 1) << "no resync was needed";
}

INSTANTIATE_TEST_SUITE_P(Apis, EtcdTls, ::testing::Values(EtcdApi::kV2, EtcdApi::kV3),
                         [](const auto& info) {
                           return info.param == EtcdApi::kV2 ? std::string("V2")
                                                             : std::string("V3");
                         });

}  // namespace
}  // namespace felix::datastore
