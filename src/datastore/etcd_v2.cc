// EtcdClient over the etcd v2 API (`/v2/keys`). The watch is a sequence of
// long polls (`wait=true&recursive=true&waitIndex=N`), each returning one
// event; the next poll starts after that event's modifiedIndex.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <optional>

#include "datastore/codec.h"
#include "datastore/http.h"

namespace felix::datastore {
namespace {

std::string KeysPath(std::string_view key) {
  return "/v2/keys" + EscapeKeyPath(key.starts_with('/') ? key : "/" + std::string(key));
}

class EtcdV2Client : public EtcdClient {
 public:
  EtcdV2Client(std::unique_ptr<HttpTransport> http, std::chrono::milliseconds idle)
      : http_(std::move(http)), idle_(idle) {}

  Result<std::string> Get(const std::string& key) override {
    auto resp = http_->Do(MakeRequest("GET", KeysPath(key)));
    if (!resp.ok()) return resp.status();
    return ParseV2Value(resp->status, resp->body);
  }

  Result<Snapshot> GetPrefix(const std::string& prefix) override {
    auto resp = http_->Do(MakeRequest("GET", KeysPath(prefix) + "?recursive=true&sorted=true"));
    if (!resp.ok()) return resp.status();
    return ParseV2Snapshot(resp->status, resp->body, resp->headers["x-etcd-index"]);
  }

  Status Set(const std::string& key, const std::string& value) override {
    auto resp = http_->Do(MakeRequest("PUT", KeysPath(key), "value=" + FormEscape(value),
                                      "application/x-www-form-urlencoded"));
    if (!resp.ok()) return resp.status();
    return ParseV2Write(resp->status, resp->body);
  }

  Status SetWithTtl(const std::string& key, const std::string& value,
                    std::chrono::seconds ttl) override {
    auto resp = http_->Do(MakeRequest(
        "PUT", KeysPath(key), fmt::format("value={}&ttl={}", FormEscape(value), ttl.count()),
        "application/x-www-form-urlencoded"));
    if (!resp.ok()) return resp.status();
    return ParseV2Write(resp->status, resp->body);
  }

  // v2 has no transactions: compare-and-swap writes against what was read,
  // undone (compare-and-swap too) when one fails.
  Status SetAll(const std::vector<KeyValue>& kvs) override {
    std::vector<std::optional<V2Node>> before;
    for (const KeyValue& kv : kvs) {
      auto resp = http_->Do(MakeRequest("GET", KeysPath(kv.key)));
      if (!resp.ok()) return resp.status();
      auto node = ParseV2Node(resp->status, resp->body);
      if (!node.ok() && !node.status().IsNotFound()) {
        return Status::Unavailable(
            fmt::format("cannot read {}: {}; nothing written", kv.key, node.status().message()));
      }
      before.push_back(node.ok() ? std::optional<V2Node>(*node) : std::nullopt);
    }
    std::vector<int64_t> written;  // our write's modifiedIndex, per key written
    for (size_t i = 0; i < kvs.size(); ++i) {
      const std::string cas = before[i] ? fmt::format("prevIndex={}", before[i]->modified_index)
                                        : std::string("prevExist=false");
      auto node = Put(kvs[i].key, kvs[i].value, cas);
      if (!node.ok()) {
        const std::string undo = Undo(kvs, before, written);
        return Status::Unavailable(
            fmt::format("cannot set {}: {}; {}", kvs[i].key, node.status().message(), undo));
      }
      written.push_back(node->modified_index);
    }
    return Status::Ok();
  }

  Status Delete(const std::string& key, bool recursive) override {
    std::string target = KeysPath(key) + (recursive ? "?recursive=true" : "");
    auto resp = http_->Do(MakeRequest("DELETE", target));
    if (!resp.ok()) return resp.status();
    return ParseV2Write(resp->status, resp->body);
  }

  WatchEnd Watch(const std::string& prefix, int64_t from_index, const WatchSink& sink,
                 const std::atomic<bool>& stop) override {
    int64_t next = from_index;
    while (!stop.load()) {
      HttpRequest req = MakeRequest(
          "GET", fmt::format("{}?wait=true&recursive=true&waitIndex={}", KeysPath(prefix), next));
      req.long_poll = true;
      req.idle_timeout = idle_;
      req.cancel = &stop;
      auto resp = http_->Do(req);
      if (stop.load()) break;
      if (!resp.ok()) return {WatchEnd::Kind::kBroken, resp.status().message(), next};
      if (resp->idle) return {WatchEnd::Kind::kIdle, "no events", next};
      auto reply = ParseV2WatchReply(resp->status, resp->body);
      if (!reply.ok()) return {WatchEnd::Kind::kBroken, reply.status().message(), next};
      if (reply->history_gone) return {WatchEnd::Kind::kHistoryGone, reply->detail, next};
      if (!reply->event) continue;  // server-side timeout: poll again
      next = std::max(next, reply->event->index + 1);
      if (!sink({std::move(*reply->event)})) break;
    }
    return {WatchEnd::Kind::kStopped, "stopped", next};
  }

 private:
  Result<V2Node> Put(const std::string& key, const std::string& value, const std::string& cas) {
    auto resp =
        http_->Do(MakeRequest("PUT", KeysPath(key) + "?" + cas, "value=" + FormEscape(value),
                              "application/x-www-form-urlencoded"));
    if (!resp.ok()) return resp.status();
    return ParseV2Node(resp->status, resp->body);
  }

  // Puts back what the first written.size() keys held, each only if it is
  // still our write; says how that went.
  std::string Undo(const std::vector<KeyValue>& kvs,
                   const std::vector<std::optional<V2Node>>& before,
                   const std::vector<int64_t>& written) {
    std::vector<std::string> failed;
    for (size_t j = 0; j < written.size(); ++j) {
      const std::string cas = fmt::format("prevIndex={}", written[j]);
      Status st;
      if (before[j]) {
        st = Put(kvs[j].key, before[j]->value, cas).status();
      } else {
        auto resp = http_->Do(MakeRequest("DELETE", KeysPath(kvs[j].key) + "?" + cas));
        st = resp.ok() ? ParseV2Write(resp->status, resp->body) : resp.status();
      }
      if (!st.ok()) failed.push_back(fmt::format("{} ({})", kvs[j].key, st.message()));
    }
    if (failed.empty())
      return fmt::format("the {} key(s) written before were put back", written.size());
    return fmt::format("could NOT put back {}", fmt::join(failed, ", "));
  }

  std::unique_ptr<HttpTransport> http_;
  const std::chrono::milliseconds idle_;
};

}  // namespace

std::unique_ptr<EtcdClient> MakeEtcdV2Client(std::unique_ptr<HttpTransport> http,
                                             std::chrono::milliseconds idle_timeout) {
  return std::make_unique<EtcdV2Client>(std::move(http), idle_timeout);
}

}  // namespace felix::datastore
