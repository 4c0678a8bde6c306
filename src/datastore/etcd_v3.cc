// EtcdClient over the etcd v3 JSON gateway (`/v3/kv/...`, `/v3/watch`). A
// "prefix" such as /calico/v1 covers the key itself and every key below
// "/calico/v1/" (never "/calico/v10"). The watch is one streaming POST whose
// body is newline-separated JSON messages.
#include <fmt/format.h>

#include "datastore/codec.h"
#include "datastore/http.h"

namespace felix::datastore {
namespace {

constexpr char kJson[] = "application/json";
constexpr int64_t kPageSize = 5000;

std::string DirPrefix(std::string_view prefix) {
  std::string p(prefix);
  if (p.empty() || p.back() != '/') p.push_back('/');
  return p;
}

class EtcdV3Client : public EtcdClient {
 public:
  EtcdV3Client(std::unique_ptr<HttpTransport> http, std::chrono::milliseconds idle,
               std::string username, std::string password)
      : http_(std::move(http)),
        idle_(idle),
        username_(std::move(username)),
        password_(std::move(password)) {}

  Result<std::string> Get(const std::string& key) override {
    auto snap = Range(V3RangeBody(key, ""));
    if (!snap.ok()) return snap.status();
    if (snap->kvs.empty()) return Status::NotFound(fmt::format("key not found: {}", key));
    return std::move(snap->kvs.front().value);
  }

  // Read in pages of kPageSize keys, all at the first page's revision, so a
  // large tree never needs one huge reply.
  Result<Snapshot> GetPrefix(const std::string& prefix) override {
    std::string dir = DirPrefix(prefix);
    std::string end = PrefixRangeEnd(dir);
    Snapshot all;
    std::string from = dir;
    while (true) {
      bool more = false;
      auto page = Range(V3RangePageBody(from, end, kPageSize, all.index), &more);
      if (!page.ok()) return page.status();
      if (all.index == 0) all.index = page->index;
      for (KeyValue& kv : page->kvs) all.kvs.push_back(std::move(kv));
      if (!more || all.kvs.empty()) return all;
      from = all.kvs.back().key + std::string(1, '\0');
    }
  }

  Status Set(const std::string& key, const std::string& value) override {
    return Post("/v3/kv/put", V3PutBody(key, value)).status();
  }

  Status SetWithTtl(const std::string& key, const std::string& value,
                    std::chrono::seconds ttl) override {
    auto resp = Do(MakeRequest("POST", "/v3/lease/grant", V3LeaseGrantBody(ttl.count()), kJson));
    if (!resp.ok()) return resp.status();
    auto lease = ParseV3LeaseId(resp->status, resp->body);
    if (!lease.ok()) return lease.status();
    return Post("/v3/kv/put", V3PutBody(key, value, *lease)).status();
  }

  Status SetAll(const std::vector<KeyValue>& kvs) override {
    if (kvs.size() > kMaxTxnWrites) {
      return Status::InvalidArgument(
          fmt::format("{} writes do not fit one etcd transaction (at most {}); nothing written",
                      kvs.size(), kMaxTxnWrites));
    }
    auto resp = Do(MakeRequest("POST", "/v3/kv/txn", V3TxnPutBody(kvs), kJson));
    if (!resp.ok()) return resp.status();
    return ParseV3Write(resp->status, resp->body).status();
  }

  Status Delete(const std::string& key, bool recursive) override {
    auto deleted = Post("/v3/kv/deleterange", V3RangeBody(key, ""));
    if (!deleted.ok()) return deleted.status();
    int64_t total = *deleted;
    if (recursive) {
      std::string dir = DirPrefix(key);
      auto below = Post("/v3/kv/deleterange", V3RangeBody(dir, PrefixRangeEnd(dir)));
      if (!below.ok()) return below.status();
      total += *below;
    }
    if (total == 0) return Status::NotFound(fmt::format("key not found: {}", key));
    return Status::Ok();
  }

  WatchEnd Watch(const std::string& prefix, int64_t from_index, const WatchSink& sink,
                 const std::atomic<bool>& stop) override {
    std::string dir = DirPrefix(prefix);
    std::string buffer;
    std::optional<WatchEnd> end;
    int64_t next = from_index;
    auto on_data = [&](std::string_view chunk) {
      buffer.append(chunk);
      size_t nl;
      while ((nl = buffer.find('\n')) != std::string::npos) {
        std::string line = buffer.substr(0, nl);
        buffer.erase(0, nl + 1);
        if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
        end = HandleMessage(line, sink, next);
        if (end) return false;
      }
      return true;
    };
    HttpRequest req =
        MakeRequest("POST", "/v3/watch", V3WatchBody(dir, PrefixRangeEnd(dir), from_index), kJson);
    req.long_poll = true;
    req.idle_timeout = idle_;
    req.cancel = &stop;
    req.on_data = on_data;
    auto resp = Do(req);
    auto ended = [&](WatchEnd e) {
      e.next_index = next;
      return e;
    };
    if (end) return ended(*end);
    if (stop.load()) return ended({WatchEnd::Kind::kStopped, "stopped"});
    if (!resp.ok()) return ended({WatchEnd::Kind::kBroken, resp.status().message()});
    if (resp->idle) return ended({WatchEnd::Kind::kIdle, "no events"});
    if (!buffer.empty() && buffer.find_first_not_of(" \r\n\t") != std::string::npos) {
      if (auto last = HandleMessage(buffer, sink, next)) return ended(*last);
    }
    return ended(
        {WatchEnd::Kind::kBroken, fmt::format("etcd watch stream ended (HTTP {})", resp->status)});
  }

 private:
  // Handles one stream message; a value means "end the watch like this".
  // `next` moves past every event delivered.
  std::optional<WatchEnd> HandleMessage(std::string_view line, const WatchSink& sink,
                                        int64_t& next) {
    auto msg = ParseV3WatchMessage(line);
    if (!msg.ok()) return WatchEnd{WatchEnd::Kind::kBroken, msg.status().message()};
    if (msg->compact_revision > 0) {
      return WatchEnd{
          WatchEnd::Kind::kHistoryGone,
          fmt::format("etcd history compacted up to revision {}", msg->compact_revision)};
    }
    if (msg->canceled) {
      return WatchEnd{WatchEnd::Kind::kBroken,
                      fmt::format("etcd cancelled the watch: {}", msg->cancel_reason)};
    }
    for (const WatchEvent& ev : msg->events) next = std::max(next, ev.index + 1);
    if (!msg->events.empty() && !sink(std::move(msg->events))) {
      return WatchEnd{WatchEnd::Kind::kStopped, "stopped"};
    }
    return std::nullopt;
  }

  Result<int64_t> Post(const char* path, std::string body) {
    auto resp = Do(MakeRequest("POST", path, std::move(body), kJson));
    if (!resp.ok()) return resp.status();
    return ParseV3Write(resp->status, resp->body);
  }

  Result<Snapshot> Range(std::string body, bool* more = nullptr) {
    auto resp = Do(MakeRequest("POST", "/v3/kv/range", std::move(body), kJson));
    if (!resp.ok()) return resp.status();
    return ParseV3Range(resp->status, resp->body, more);
  }

  // Sends `req` with the auth token (taken first if there is none yet); a
  // reply saying the token is no longer valid (it expires) takes a new one
  // and sends again, once.
  Result<HttpResponse> Do(HttpRequest req) {
    if (username_.empty()) return http_->Do(req);
    for (int attempt = 0;; ++attempt) {
      if (token_.empty()) {
        if (Status st = Authenticate(); !st.ok()) return st;
      }
      req.authorization = token_;
      auto resp = http_->Do(req);
      if (!resp.ok() || attempt > 0 || !IsV3AuthTokenError(resp->status, resp->body)) return resp;
      token_.clear();
    }
  }

  Status Authenticate() {
    auto resp = http_->Do(
        MakeRequest("POST", "/v3/auth/authenticate", V3AuthBody(username_, password_), kJson));
    if (!resp.ok()) return resp.status();
    auto token = ParseV3AuthToken(resp->status, resp->body);
    if (!token.ok()) {
      return Status::Unavailable(
          fmt::format("etcd authentication as {} failed: {}", username_, token.status().message()));
    }
    token_ = std::move(*token);
    return Status::Ok();
  }

  std::unique_ptr<HttpTransport> http_;
  const std::chrono::milliseconds idle_;
  const std::string username_, password_;
  std::string token_;
};

}  // namespace

std::unique_ptr<EtcdClient> MakeEtcdV3Client(std::unique_ptr<HttpTransport> http,
                                             std::chrono::milliseconds idle_timeout,
                                             std::string username, std::string password) {
  return std::make_unique<EtcdV3Client>(std::move(http), idle_timeout, std::move(username),
                                        std::move(password));
}

}  // namespace felix::datastore
