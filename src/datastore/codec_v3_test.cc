// Table tests for the etcd v3 JSON gateway format: base64, range ends,
// request bodies, range replies and watch-stream messages (incl. compaction).
#include <gtest/gtest.h>

#include "datastore/codec.h"

namespace felix::datastore {
namespace {

TEST(Base64, RoundTripAndReject) {
  const std::pair<const char*, const char*> known[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"/calico/v1/Ready", "L2NhbGljby92MS9SZWFkeQ=="}};
  for (auto [plain, encoded] : known) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    EXPECT_EQ(Base64Decode(encoded), plain);
  }
  std::string binary = {'\0', '\xff', '\x10', 'a'};
  EXPECT_EQ(Base64Decode(Base64Encode(binary)), binary);
  EXPECT_EQ(Base64Decode("Zm9v!"), std::nullopt) << "bad character";
  EXPECT_EQ(Base64Decode("Zg==Zg"), std::nullopt) << "data after padding";
}

TEST(PrefixRangeEnd, Cases) {
  EXPECT_EQ(PrefixRangeEnd("/calico/v1/"), "/calico/v10");
  EXPECT_EQ(PrefixRangeEnd("a\xff"), "b");
  EXPECT_EQ(PrefixRangeEnd(""), std::string(1, '\0'));
}

TEST(V3Bodies, Exact) {
  EXPECT_EQ(V3RangeBody("/a", ""), R"({"key":"L2E="})");
  EXPECT_EQ(V3RangeBody("/a/", "/a0"), R"({"key":"L2Ev","range_end":"L2Ew"})");
  EXPECT_EQ(V3PutBody("/a", "x"), R"({"key":"L2E=","value":"eA=="})");
  EXPECT_EQ(V3WatchBody("/a/", "/a0", 8),
            R"({"create_request":{"key":"L2Ev","range_end":"L2Ew","start_revision":"8"}})");
}

TEST(V3Range, Cases) {
  auto snap = ParseV3Range(200, R"({"header":{"cluster_id":"1","revision":"42"},"kvs":[
      {"key":"L2NhbGljby92MS9SZWFkeQ==","value":"dHJ1ZQ==","mod_revision":"40"},
      {"key":"L2NhbGljby92MS9l","mod_revision":"41"}],"count":"2"})");
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ(snap->index, 42);
  EXPECT_EQ(snap->kvs, (std::vector<KeyValue>{{"/calico/v1/Ready", "true"}, {"/calico/v1/e", ""}}))
      << "a missing value is the empty string";

  auto empty = ParseV3Range(200, R"({"header":{"revision":"7"}})");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->index, 7);
  EXPECT_TRUE(empty->kvs.empty());

  EXPECT_EQ(ParseV3Range(200, R"({"kvs":[]})").status().ToString(),
            "Unavailable: etcd range reply without a header revision");
  EXPECT_EQ(
      ParseV3Range(200, R"({"header":{"revision":"7"},"kvs":[{"key":"!!"}]})").status().ToString(),
      "Unavailable: etcd reply with invalid base64");
  EXPECT_EQ(ParseV3Range(503, R"({"error":"etcdserver: request timed out","code":14})")
                .status()
                .ToString(),
            "Unavailable: etcd error (HTTP 503): etcdserver: request timed out");
  EXPECT_EQ(*ParseV3Write(200, R"({"header":{"revision":"9"},"deleted":"3"})"), 3);
  EXPECT_EQ(*ParseV3Write(200, R"({"header":{"revision":"9"}})"), 0);
}

TEST(V3WatchMessage, Cases) {
  auto created = ParseV3WatchMessage(R"({"result":{"header":{"revision":"5"},"created":true}})");
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(created->created);
  EXPECT_TRUE(created->events.empty());

  auto events = ParseV3WatchMessage(R"({"result":{"header":{"revision":"9"},"events":[
      {"kv":{"key":"L2NhbGljby92MS9h","value":"eA==","mod_revision":"8"}},
      {"type":"DELETE","kv":{"key":"L2NhbGljby92MS9i","mod_revision":"9"}}]}})");
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(events->events, (std::vector<WatchEvent>{{"/calico/v1/a", "x", false, 8},
                                                     {"/calico/v1/b", std::nullopt, false, 9}}));

  auto compacted = ParseV3WatchMessage(
      R"({"result":{"header":{"revision":"30"},"canceled":true,"compact_revision":"25"}})");
  ASSERT_TRUE(compacted.ok());
  EXPECT_EQ(compacted->compact_revision, 25);
  EXPECT_TRUE(compacted->canceled);

  EXPECT_EQ(ParseV3WatchMessage(R"({"error":{"grpc_code":14,"message":"unavailable"}})")
                .status()
                .ToString(),
            "Unavailable: etcd error (HTTP 0): unavailable");
  EXPECT_EQ(ParseV3WatchMessage(R"({"header":{}})").status().ToString(),
            "Unavailable: etcd watch message without result: {\"header\":{}}");
}

TEST(V3Codec, LeaseIdsUseAll63Bits) {
  EXPECT_EQ(V3LeaseGrantBody(90), R"({"TTL":"90"})");
  auto id = ParseV3LeaseId(200, R"({"header":{},"ID":"7587899284887969797","TTL":"2"})");
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_EQ(*id, 7587899284887969797);
  EXPECT_FALSE(ParseV3LeaseId(200, R"({"ID":"99999999999999999999"})").ok()) << "overflow";
  EXPECT_EQ(V3PutBody("/k", "v", 5), R"({"key":"L2s=","lease":"5","value":"dg=="})");
}

}  // namespace
}  // namespace felix::datastore
