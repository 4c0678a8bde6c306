// Public header of the datastore layer: a narrow etcd client (v2 `/v2/keys`
// or v3 JSON gateway, chosen by EtcdApi) and the Syncer that turns etcd into a
// stream of (key, optional raw value) updates for everything under /calico/v1.
//
// Data flow: Syncer waits for /calico/v1/Ready == "true", takes a snapshot,
// emits it (after a resync only the differences against what it emitted
// before), then watches from snapshot index + 1. Any gap (v2 errorCode 401,
// v3 compaction), broken stream, or Ready going away leads back to the start.
// etcd being down never stops the syncer; it retries with capped backoff.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "config/config.h"

namespace felix::datastore {

// The key prefix Felix syncs, and the Ready flag under it.
inline constexpr std::string_view kCalicoV1Prefix = "/calico/v1";
inline constexpr std::string_view kReadyKey = "/calico/v1/Ready";

enum class EtcdApi { kV2, kV3 };

// "v2" or "v3" (case-insensitive); anything else is InvalidArgument.
Result<EtcdApi> ParseEtcdApi(std::string_view text);

// How to reach etcd. Built by the daemon / felixctl from the Etcd* settings.
struct EtcdSettings {
  EtcdApi api = EtcdApi::kV2;  // which HTTP API to speak
  // Base URLs tried in order, e.g. "http://127.0.0.1:2379"; on a connection
  // error the client fails over to the next one (and stays there).
  std::vector<std::string> endpoints = {"http://127.0.0.1:2379"};
  std::string key_file;   // client TLS key (PEM), empty = none
  std::string cert_file;  // client TLS certificate (PEM), empty = none
  std::string ca_file;    // CA bundle; empty = system CAs; "none" = no verification
  // etcd v3 authentication ("" = none): a token from /v3/auth/authenticate
  // (and a new one when it expires). Not used with the v2 API.
  std::string username;
  std::string password;
  std::chrono::milliseconds connect_timeout{3000};  // per endpoint
  // Longest silence before an endpoint counts as not answering (any request
  // before its headers, a plain request at any point): the client fails
  // over to the next endpoint.
  std::chrono::milliseconds request_timeout{10000};
  // Longest silence of a watch after its headers before the client ends it
  // as idle (WatchEnd::kIdle) so the caller re-watches: etcd answers a new
  // watch at once, so a frozen path shows up within about idle + request
  // timeout instead of never.
  std::chrono::milliseconds watch_idle_timeout{30000};
};

// Builds the endpoint list from EtcdEndpoints ("scheme://host:port,...",
// preferred when non-empty) or EtcdScheme + EtcdAddr ("host:port").
// Errors name the offending entry, e.g.
// `invalid etcd endpoint 'ftp://x:1': scheme must be http or https`.
Result<std::vector<std::string>> ParseEndpoints(std::string_view etcd_endpoints,
                                                std::string_view etcd_scheme,
                                                std::string_view etcd_addr);

// The client settings from the agent's resolved config: EtcdEndpoints, or
// EtcdScheme + EtcdAddr; EtcdApi; the TLS files (EtcdCaFile `none` = no
// verification). When neither EtcdEndpoints nor EtcdAddr was set anywhere,
// both client ports of the etcd versions the guide covers are tried, the
// current 2379 first, then Felix 1.x's default 4001, so the agent and
// felixctl find a stock Debian etcd-server without configuration.
EtcdSettings SettingsFromConfig(const config::ResolvedConfig& r);

struct KeyValue {
  std::string key;  // full key, e.g. "/calico/v1/Ready"
  std::string value;
  friend bool operator==(const KeyValue&, const KeyValue&) = default;
};

// Every leaf key under a prefix at one point in time. `index` is the etcd v2
// X-Etcd-Index or the v3 header revision; watching from index + 1 misses
// nothing.
struct Snapshot {
  int64_t index = 0;
  std::vector<KeyValue> kvs;
};

// One change seen by a watch. A v2 directory delete has `dir` set and means
// "every key at or below `key` is gone". `index` is the event's v2
// modifiedIndex / v3 mod_revision.
struct WatchEvent {
  std::string key;
  std::optional<std::string> value;  // empty = deleted (incl. TTL expiry)
  bool dir = false;
  int64_t index = 0;
  friend bool operator==(const WatchEvent&, const WatchEvent&) = default;
};

// Why a watch returned.
struct WatchEnd {
  enum class Kind {
    kStopped,      // the stop flag was set or the sink asked to stop
    kHistoryGone,  // v2 errorCode 401 / v3 compaction: resync needed
    kBroken,       // connection lost, HTTP or protocol error
    kIdle,         // nothing for watch_idle_timeout: watch again from next_index
  };
  Kind kind = Kind::kStopped;
  std::string detail;  // for people, e.g. "etcd event index cleared: ..."
  // The index to watch from next time: one past the last event delivered
  // (the watch's from_index if none was).
  int64_t next_index = 0;
};

// Receives watch events in order; returns false to end the watch.
using WatchSink = std::function<bool(std::vector<WatchEvent> events)>;

// The narrow etcd interface used by the Syncer and felixctl. Keys are the
// same strings for both APIs. Not thread-safe: one client per thread.
class EtcdClient {
 public:
  virtual ~EtcdClient() = default;
  // The value of one key; NotFound if it does not exist.
  virtual Result<std::string> Get(const std::string& key) = 0;
  // Every leaf key at or below `prefix` (a directory such as "/calico/v1";
  // a missing directory gives an empty snapshot).
  virtual Result<Snapshot> GetPrefix(const std::string& prefix) = 0;
  virtual Status Set(const std::string& key, const std::string& value) = 0;
  // Sets a key that etcd deletes `ttl` after this write unless written again
  // (v2 `ttl=`, v3 a new lease per write).
  virtual Status SetWithTtl(const std::string& key, const std::string& value,
                            std::chrono::seconds ttl) = 0;
  // Writes every key or none: v3 one transaction (at most kMaxTxnWrites);
  // v2 compare-and-swap writes against what was read first, and if one
  // fails, what was written is put back (compare-and-swap too). The error
  // says which key failed and whether the roll-back was complete.
  virtual Status SetAll(const std::vector<KeyValue>& kvs) = 0;
  // Deletes a key; with `recursive`, also everything below key + "/".
  // NotFound if nothing was there.
  virtual Status Delete(const std::string& key, bool recursive) = 0;
  // Blocks delivering changes under `prefix` with index >= from_index until
  // `stop` is set (checked at least once a second), the sink returns false,
  // the stream ends, or it stays silent for watch_idle_timeout (kIdle).
  virtual WatchEnd Watch(const std::string& prefix, int64_t from_index, const WatchSink& sink,
                         const std::atomic<bool>& stop) = 0;
};

// etcd's default --max-txn-ops: the most writes one v3 SetAll can hold.
inline constexpr size_t kMaxTxnWrites = 128;

// The real client (libcurl, in process).
std::unique_ptr<EtcdClient> MakeEtcdClient(const EtcdSettings& settings);

// ---------------------------------------------------------------- Syncer

enum class SyncStatus { kWaitForReady, kResync, kInSync };
// "wait-for-ready", "resync", "in-sync" (Felix 1.x driver status names).
std::string_view SyncStatusName(SyncStatus s);

// One update: a key under /calico/v1 and its raw value (empty = deleted).
struct KeyUpdate {
  std::string key;
  std::optional<std::string> value;
  friend bool operator==(const KeyUpdate&, const KeyUpdate&) = default;
};

// What the Syncer reports. Called on the syncer's thread, in order.
class SyncerCallbacks {
 public:
  virtual ~SyncerCallbacks() = default;
  virtual void OnStatus(SyncStatus status) = 0;
  virtual void OnUpdates(std::vector<KeyUpdate> updates) = 0;
  // After each (re)sync has been emitted in full.
  virtual void OnInSync() = 0;
  // Whether etcd answers: false after a request failed (the Ready poll, the
  // snapshot, a watch that broke), true again after one succeeded. Called
  // only on a change.
  virtual void OnReachable(bool /*reachable*/) {}
};

struct SyncerOptions {
  std::string prefix{kCalicoV1Prefix};                           // what is synced
  std::chrono::milliseconds ready_poll_interval{1000};           // between Ready GETs
  std::chrono::milliseconds wait_for_ready_log_interval{10000};  // INFO repeat
  std::chrono::milliseconds error_log_interval{30000};           // same error re-logged
  std::chrono::milliseconds backoff_initial{250};                // first retry delay
  std::chrono::milliseconds backoff_max{8000};                   // retry delay cap
  // A full resync (snapshot and differences) this often while watching
  // (Felix's PeriodicResyncInterval: it repairs anything a watch could have
  // missed); 0 = never. Changed live with Syncer::SetResyncInterval.
  std::chrono::milliseconds resync_interval{0};
  Clock* clock = nullptr;  // nullptr = RealClock()
  // Test seam: replaces the interruptible wait between retries (the real one
  // waits on a condition variable that Stop() signals).
  std::function<void(std::chrono::milliseconds)> sleep_for_test;
};

// Owns a thread that keeps `callbacks` in step with etcd. The client and the
// callbacks must outlive the Syncer; the client is used only by its thread.
class Syncer {
 public:
  Syncer(EtcdClient& client, SyncerCallbacks& callbacks, SyncerOptions options = {});
  ~Syncer();  // Stop()s
  Syncer(const Syncer&) = delete;
  Syncer& operator=(const Syncer&) = delete;

  void Start();
  // Ends the thread promptly (within about a second) and joins it. Idempotent.
  void Stop();
  // Runs the loop on the calling thread until Stop() (tests, or a caller
  // owning its own thread).
  void Run();
  // Takes effect from the next event or watch restart (any thread).
  void SetResyncInterval(std::chrono::milliseconds interval);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Pure: the updates that take a consumer holding `previous` to `next`: sets
// for new or changed keys, deletes for vanished keys, sorted by key.
std::vector<KeyUpdate> DiffSnapshot(const std::vector<KeyValue>& previous,
                                    const std::vector<KeyValue>& next);

}  // namespace felix::datastore
