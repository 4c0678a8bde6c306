// The v2 and v3 clients over a scripted HttpTransport: the exact requests
// they send and how they turn replies into snapshots and watch events.
#include <gtest/gtest.h>

#include <deque>

#include "datastore/codec.h"
#include "datastore/http.h"

namespace felix::datastore {
namespace {

using Strings = std::vector<std::string>;

// Replies from a script; streamed replies are handed to on_data in chunks.
class ScriptedHttp : public HttpTransport {
 public:
  struct Reply {
    Reply(Result<HttpResponse> r, std::vector<std::string> c = {})  // NOLINT
        : response(std::move(r)), chunks(std::move(c)) {}
    Result<HttpResponse> response;
    std::vector<std::string> chunks;  // for on_data requests
  };
  explicit ScriptedHttp(Strings* log, std::deque<Reply> replies)
      : log_(log), replies_(std::move(replies)) {}
  Result<HttpResponse> Do(const HttpRequest& r) override {
    log_->push_back(r.method + " " + r.target + (r.body.empty() ? "" : " " + r.body) +
                    (r.long_poll ? " [long]" : "") +
                    (r.authorization.empty() ? "" : " [auth " + r.authorization + "]"));
    if (replies_.empty()) return Status::Unavailable("script exhausted");
    Reply reply = std::move(replies_.front());
    replies_.pop_front();
    for (const std::string& c : reply.chunks) {
      if (!r.on_data(c)) break;
    }
    return reply.response;
  }

 private:
  Strings* log_;
  std::deque<Reply> replies_;
};

HttpResponse Ok(long status, std::string body, std::string index = "") {
  HttpResponse r{status, std::move(body), {}};
  if (!index.empty()) r.headers["x-etcd-index"] = index;
  return r;
}

TEST(V2Client, RequestsAndWatchLoop) {
  Strings log;
  std::deque<ScriptedHttp::Reply> replies;
  replies.push_back({Ok(200, R"({"node":{"key":"/calico/v1","dir":true,"nodes":[
      {"key":"/calico/v1/Ready","value":"true"}]}})",
                        "7")});
  replies.push_back({Ok(201, R"({"action":"set","node":{"key":"/calico/v1/a b","value":"{}"}})")});
  replies.push_back(
      {Ok(200, R"({"action":"set","node":{"key":"/calico/v1/x","value":"1","modifiedIndex":9}})")});
  replies.push_back({Ok(200, "")});  // server-side timeout: poll again at the same index
  replies.push_back(
      {Ok(200, R"({"action":"expire","node":{"key":"/calico/v1/x","modifiedIndex":12}})")});
  replies.push_back({Ok(
      400,
      R"({"errorCode":401,"message":"The event in requested index is outdated and cleared","cause":"the requested history has been cleared [1013/8]","index":2012})")});
  auto client = MakeEtcdV2Client(std::make_unique<ScriptedHttp>(&log, std::move(replies)));

  auto snap = client->GetPrefix("/calico/v1");
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->index, 7);
  EXPECT_TRUE(client->Set("/calico/v1/a b", "{}").ok());
  std::vector<WatchEvent> seen;
  std::atomic<bool> stop{false};
  WatchEnd end = client->Watch(
      "/calico/v1", 8,
      [&](std::vector<WatchEvent> evs) {
        seen.insert(seen.end(), evs.begin(), evs.end());
        return true;
      },
      stop);
  EXPECT_EQ(end.kind, WatchEnd::Kind::kHistoryGone);
  EXPECT_EQ(seen, (std::vector<WatchEvent>{{"/calico/v1/x", "1", false, 9},
                                           {"/calico/v1/x", std::nullopt, false, 12}}));
  EXPECT_EQ(log, (Strings{
                     "GET /v2/keys/calico/v1?recursive=true&sorted=true",
                     "PUT /v2/keys/calico/v1/a%20b value=%7B%7D",
                     "GET /v2/keys/calico/v1?wait=true&recursive=true&waitIndex=8 [long]",
                     "GET /v2/keys/calico/v1?wait=true&recursive=true&waitIndex=10 [long]",
                     "GET /v2/keys/calico/v1?wait=true&recursive=true&waitIndex=10 [long]",
                     "GET /v2/keys/calico/v1?wait=true&recursive=true&waitIndex=13 [long]",
                 }));
}

TEST(V2Client, BrokenConnectionEndsTheWatch) {
  Strings log;
  std::deque<ScriptedHttp::Reply> replies;
  replies.push_back({Status::Unavailable("etcd request GET failed: refused")});
  auto client = MakeEtcdV2Client(std::make_unique<ScriptedHttp>(&log, std::move(replies)));
  std::atomic<bool> stop{false};
  WatchEnd end = client->Watch(
      "/calico/v1", 3, [](auto) { return true; }, stop);
  EXPECT_EQ(end.kind, WatchEnd::Kind::kBroken);
  EXPECT_EQ(end.detail, "etcd request GET failed: refused");
}

std::string B64(std::string_view s) { return Base64Encode(s); }

TEST(V3Client, RequestsAndStreamedWatch) {
  Strings log;
  std::deque<ScriptedHttp::Reply> replies;
  replies.push_back(
      {Ok(200, R"({"header":{"revision":"5"},"kvs":[{"key":")" + B64("/calico/v1/Ready") +
                   R"(","value":")" + B64("true") + R"("}]})")});
  replies.push_back({Ok(200, R"({"header":{"revision":"6"},"deleted":"1"})")});
  replies.push_back({Ok(200, R"({"header":{"revision":"6"},"deleted":"0"})")});
  std::string ev1 = R"({"result":{"header":{"revision":"6"},"events":[{"kv":{"key":")" +
                    B64("/calico/v1/a") + R"(","value":")" + B64("x") +
                    R"(","mod_revision":"6"}}]}})";
  std::string ev2 =
      R"({"result":{"header":{"revision":"7"},"events":[{"type":"DELETE","kv":{"key":")" +
      B64("/calico/v1/a") + R"(","mod_revision":"7"}}]}})";
  std::string compact =
      R"({"result":{"header":{"revision":"9"},"canceled":true,"compact_revision":"8"}})";
  std::string all = R"({"result":{"header":{"revision":"5"},"created":true}})"
                    "\n" +
                    ev1 + "\n" + ev2 + "\n" + compact + "\n";
  // Split mid-message to check the line reassembly.
  replies.push_back({Ok(200, ""), {all.substr(0, 30), all.substr(30, 200), all.substr(230)}});
  auto client = MakeEtcdV3Client(std::make_unique<ScriptedHttp>(&log, std::move(replies)));

  auto snap = client->GetPrefix("/calico/v1");
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->index, 5);
  EXPECT_EQ(snap->kvs, (std::vector<KeyValue>{{"/calico/v1/Ready", "true"}}));
  EXPECT_TRUE(client->Delete("/calico/v1/host", true).ok());
  std::vector<WatchEvent> seen;
  std::atomic<bool> stop{false};
  WatchEnd end = client->Watch(
      "/calico/v1", 6,
      [&](std::vector<WatchEvent> evs) {
        seen.insert(seen.end(), evs.begin(), evs.end());
        return true;
      },
      stop);
  EXPECT_EQ(end.kind, WatchEnd::Kind::kHistoryGone);
  EXPECT_EQ(end.detail, "etcd history compacted up to revision 8");
  EXPECT_EQ(seen, (std::vector<WatchEvent>{{"/calico/v1/a", "x", false, 6},
                                           {"/calico/v1/a", std::nullopt, false, 7}}));
  std::string dir = B64("/calico/v1/"), end_key = B64("/calico/v10");
  EXPECT_EQ(log, (Strings{
                     "POST /v3/kv/range {\"key\":\"" + dir +
                         "\",\"limit\":\"5000\",\"range_end\":\"" + end_key + "\"}",
                     "POST /v3/kv/deleterange {\"key\":\"" + B64("/calico/v1/host") + "\"}",
                     "POST /v3/kv/deleterange {\"key\":\"" + B64("/calico/v1/host/") +
                         "\",\"range_end\":\"" + B64("/calico/v1/host0") + "\"}",
                     "POST /v3/watch {\"create_request\":{\"key\":\"" + dir +
                         "\",\"range_end\":\"" + end_key + "\",\"start_revision\":\"6\"}} [long]",
                 }));
}

TEST(V3Client, LargePrefixIsReadInPagesAtOneRevision) {
  Strings log;
  std::deque<ScriptedHttp::Reply> replies;
  auto kv = [](const char* k) {
    return R"({"key":")" + B64(k) + R"(","value":")" + B64("v") + R"("})";
  };
  replies.push_back({Ok(200, R"({"header":{"revision":"50"},"more":true,"kvs":[)" +
                                 kv("/calico/v1/a") + "," + kv("/calico/v1/b") + "]}")});
  replies.push_back(
      {Ok(200, R"({"header":{"revision":"53"},"kvs":[)" + kv("/calico/v1/c") + "]}")});
  auto client = MakeEtcdV3Client(std::make_unique<ScriptedHttp>(&log, std::move(replies)));
  auto snap = client->GetPrefix("/calico/v1");
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ(snap->index, 50) << "the revision of the first page";
  EXPECT_EQ(snap->kvs, (std::vector<KeyValue>{
                           {"/calico/v1/a", "v"}, {"/calico/v1/b", "v"}, {"/calico/v1/c", "v"}}));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1], "POST /v3/kv/range {\"key\":\"" + B64(std::string("/calico/v1/b") + '\0') +
                        "\",\"limit\":\"5000\",\"range_end\":\"" + B64("/calico/v10") +
                        "\",\"revision\":\"50\"}");
}

TEST(V3Client, GetMissingKeyIsNotFoundAndStreamEndIsBroken) {
  Strings log;
  std::deque<ScriptedHttp::Reply> replies;
  replies.push_back({Ok(200, R"({"header":{"revision":"5"}})")});
  replies.push_back({Ok(200, ""),
                     {R"({"result":{"created":true}})"
                      "\n"}});
  auto client = MakeEtcdV3Client(std::make_unique<ScriptedHttp>(&log, std::move(replies)));
  EXPECT_EQ(client->Get("/calico/v1/Ready").status().ToString(),
            "Not found: key not found: /calico/v1/Ready");
  std::atomic<bool> stop{false};
  WatchEnd end = client->Watch(
      "/calico/v1", 6, [](auto) { return true; }, stop);
  EXPECT_EQ(end.kind, WatchEnd::Kind::kBroken);
  EXPECT_EQ(end.detail, "etcd watch stream ended (HTTP 200)");
}

// v3 with a user: a token first, sent with every request; an expired token
// is replaced once and the request sent again.
TEST(V3Client, AuthTokenIsTakenSentAndRenewed) {
  Strings log;
  std::deque<ScriptedHttp::Reply> replies;
  replies.push_back({Ok(200, R"({"header":{},"token":"t1"})")});
  replies.push_back({Ok(200, R"({"header":{"revision":"5"},"kvs":[]})")});
  replies.push_back({Ok(401, R"({"error":"etcdserver: invalid auth token","code":16})")});
  replies.push_back({Ok(200, R"({"header":{},"token":"t2"})")});
  replies.push_back({Ok(200, R"({"header":{"revision":"6"},"kvs":[]})")});
  auto client = MakeEtcdV3Client(std::make_unique<ScriptedHttp>(&log, std::move(replies)), {},
                                 "felix-h1", "pw");
  EXPECT_TRUE(client->Get("/calico/v1/Ready").status().IsNotFound());
  EXPECT_TRUE(client->Get("/calico/v1/Ready").status().IsNotFound());
  ASSERT_EQ(log.size(), 5u);
  EXPECT_EQ(log[0], R"(POST /v3/auth/authenticate {"name":"felix-h1","password":"pw"})");
  EXPECT_TRUE(log[1].ends_with("[auth t1]")) << log[1];
  EXPECT_TRUE(log[2].ends_with("[auth t1]")) << log[2];
  EXPECT_TRUE(log[3].starts_with("POST /v3/auth/authenticate")) << log[3];
  EXPECT_TRUE(log[4].ends_with("[auth t2]")) << log[4];
}

}  // namespace
}  // namespace felix::datastore
