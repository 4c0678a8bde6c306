// Table tests for parsing etcd v2 replies: snapshots, values, writes, watch
// events (dir deletes, expire, 401 gaps) and malformed input.
#include <gtest/gtest.h>

#include "datastore/codec.h"

namespace felix::datastore {
namespace {

TEST(V2Snapshot, Cases) {
  struct Case {
    const char* desc;
    long status;
    const char* body;
    const char* index;
    std::string error;  // empty = ok
    int64_t want_index;
    std::vector<KeyValue> want;
  };
  const Case cases[] = {
      {"nested dirs flatten to leaves",
       200,
       R"({"action":"get","node":{"key":"/calico/v1","dir":true,"nodes":[
            {"key":"/calico/v1/Ready","value":"true","modifiedIndex":4},
            {"key":"/calico/v1/host","dir":true,"nodes":[
              {"key":"/calico/v1/host/h1","dir":true,"nodes":[
                {"key":"/calico/v1/host/h1/endpoint/eth0","value":"{}"}]}]},
            {"key":"/calico/v1/empty","dir":true}]}})",
       "17",
       "",
       17,
       {{"/calico/v1/Ready", "true"}, {"/calico/v1/host/h1/endpoint/eth0", "{}"}}},
      {"values are JSON strings; fields in any order; other objects are not nodes",
       200,
       R"({"node":{"dir":true,"key":"/calico/v1","nodes":[
            {"value":"{\"a\":[1,{\"b\":\"}\"}]}","key":"/calico/v1/p","dir":false,
             "extra":{"key":"/x","value":"no"},"list":[{"key":"/y","value":"no"}]},
            {"key":"/calico/v1/n","value":7}]},"meta":{"node":{"key":"/z","value":"no"}}})",
       "5",
       "",
       5,
       {{"/calico/v1/p", R"({"a":[1,{"b":"}"}]})"}, {"/calico/v1/n", ""}}},
      {"missing directory is empty",
       404,
       R"({"errorCode":100,"message":"Key not found","cause":"/calico/v1","index":9})",
       "9",
       "",
       9,
       {}},
      {"other etcd error",
       500,
       R"({"errorCode":300,"message":"Raft Internal Error","index":9})",
       "9",
       "Unavailable: etcd error 300: Raft Internal Error",
       0,
       {}},
      {"no index header",
       200,
       R"({"node":{"key":"/calico/v1","dir":true}})",
       "",
       "Unavailable: etcd reply without a valid X-Etcd-Index header: ''",
       0,
       {}},
      {"not json",
       502,
       "<html>",
       "3",
       "Unavailable: bad reply from etcd (HTTP 502): <html>",
       0,
       {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.desc);
    auto snap = ParseV2Snapshot(c.status, c.body, c.index);
    if (!c.error.empty()) {
      EXPECT_EQ(snap.status().ToString(), c.error);
      continue;
    }
    ASSERT_TRUE(snap.ok()) << snap.status().ToString();
    EXPECT_EQ(snap->index, c.want_index);
    EXPECT_EQ(snap->kvs, c.want);
  }
}

TEST(V2Value, Cases) {
  EXPECT_EQ(*ParseV2Value(200, R"({"action":"get","node":{"key":"/a","value":"true"}})"), "true");
  EXPECT_EQ(ParseV2Value(404, R"({"errorCode":100,"message":"Key not found","cause":"/a"})")
                .status()
                .ToString(),
            "Not found: etcd error 100: Key not found (/a)");
  EXPECT_EQ(ParseV2Value(200, R"({"node":{"key":"/d","dir":true}})").status().ToString(),
            "Invalid argument: /d is a directory");
  EXPECT_TRUE(ParseV2Write(201, R"({"action":"set","node":{"key":"/a","value":"1"}})").ok());
  EXPECT_TRUE(ParseV2Write(404, R"({"errorCode":100,"message":"Key not found"})").IsNotFound());
}

TEST(V2Watch, Cases) {
  struct Case {
    const char* desc;
    const char* body;
    std::string error;
    std::optional<WatchEvent> want;
    bool gone = false;
  };
  const Case cases[] = {
      {"set", R"({"action":"set","node":{"key":"/calico/v1/a","value":"x","modifiedIndex":12}})",
       "", WatchEvent{"/calico/v1/a", "x", false, 12}},
      {"create",
       R"({"action":"create","node":{"key":"/calico/v1/a","value":"y","modifiedIndex":5}})", "",
       WatchEvent{"/calico/v1/a", "y", false, 5}},
      {"compareAndSwap",
       R"({"action":"compareAndSwap","node":{"key":"/k","value":"z","modifiedIndex":6}})", "",
       WatchEvent{"/k", "z", false, 6}},
      {"delete", R"({"action":"delete","node":{"key":"/calico/v1/a","modifiedIndex":13},
            "prevNode":{"key":"/calico/v1/a","value":"x"}})",
       "", WatchEvent{"/calico/v1/a", std::nullopt, false, 13}},
      {"recursive dir delete",
       R"({"action":"delete","node":{"key":"/calico/v1/host","dir":true,"modifiedIndex":20}})", "",
       WatchEvent{"/calico/v1/host", std::nullopt, true, 20}},
      {"ttl expiry is a delete",
       R"({"action":"expire","node":{"key":"/calico/v1/t","modifiedIndex":30},
            "prevNode":{"key":"/calico/v1/t","value":"v"}})",
       "", WatchEvent{"/calico/v1/t", std::nullopt, false, 30}},
      {"compareAndDelete",
       R"({"action":"compareAndDelete","node":{"key":"/k","modifiedIndex":31}})", "",
       WatchEvent{"/k", std::nullopt, false, 31}},
      {"event index cleared",
       R"({"errorCode":401,"message":"The event in requested index is outdated and cleared","cause":"the requested history has been cleared [1008/5]","index":2007})",
       "", std::nullopt, true},
      {"server timeout: empty body", "\n", "", std::nullopt},
      {"unknown action", R"({"action":"frob","node":{"key":"/k"}})",
       "Unavailable: unknown etcd action 'frob'", std::nullopt},
      {"no node", R"({"action":"set"})", "Unavailable: etcd watch reply without node (HTTP 200)",
       std::nullopt},
      {"truncated", R"({"action":"set","node":)",
       "Unavailable: bad reply from etcd (HTTP 200): {\"action\":\"set\",\"node\":", std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.desc);
    auto reply = ParseV2WatchReply(200, c.body);
    if (!c.error.empty()) {
      EXPECT_EQ(reply.status().ToString(), c.error);
      continue;
    }
    ASSERT_TRUE(reply.ok()) << reply.status().ToString();
    EXPECT_EQ(reply->event, c.want);
    EXPECT_EQ(reply->history_gone, c.gone);
    if (c.gone) {
      EXPECT_EQ(reply->detail,
                "etcd error 401: The event in requested index is outdated and cleared (the "
                "requested history has been cleared [1008/5])");
    }
  }
}

}  // namespace
}  // namespace felix::datastore
