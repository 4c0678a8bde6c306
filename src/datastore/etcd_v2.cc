// EtcdClient over the etcd v2 API (`/v2/keys`). The watch is a sequence of
// long polls (`wait=true&recursive=true&waitIndex=N`), each returning one
// event; the next poll starts after that event's modifiedIndex.
#include <fmt/format.h>

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
  std::unique_ptr<HttpTransport> http_;
  const std::chrono::milliseconds idle_;
};

}  // namespace

std::unique_ptr<EtcdClient> MakeEtcdV2Client(std::unique_ptr<HttpTransport> http,
                                             std::chrono::milliseconds idle_timeout) {
  return std::make_unique<EtcdV2Client>(std::move(http), idle_timeout);
}

}  // namespace felix::datastore
