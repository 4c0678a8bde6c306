// Table tests for the resync diff: previous emitted state + new snapshot →
// exactly the updates that turn one into the other.
#include <gtest/gtest.h>

#include "datastore/datastore.h"

namespace felix::datastore {
namespace {

TEST(DiffSnapshot, Table) {
  struct Case {
    const char* desc;
    std::vector<KeyValue> previous;
    std::vector<KeyValue> next;
    std::vector<KeyUpdate> want;
  };
  const Case cases[] = {
      {"first sync emits everything, sorted",
       {},
       {{"/b", "2"}, {"/a", "1"}},
       {{"/a", "1"}, {"/b", "2"}}},
      {"identical state emits nothing", {{"/a", "1"}, {"/b", "2"}}, {{"/b", "2"}, {"/a", "1"}}, {}},
      {"changed value is a set", {{"/a", "1"}}, {{"/a", "2"}}, {{"/a", "2"}}},
      {"vanished key is a delete",
       {{"/a", "1"}, {"/b", "2"}},
       {{"/b", "2"}},
       {{"/a", std::nullopt}}},
      {"everything gone",
       {{"/a", "1"}, {"/b", "2"}},
       {},
       {{"/a", std::nullopt}, {"/b", std::nullopt}}},
      {"mixed",
       {{"/a", "1"}, {"/c", "3"}, {"/d", "4"}},
       {{"/b", "2"}, {"/c", "3"}, {"/d", "5"}},
       {{"/a", std::nullopt}, {"/b", "2"}, {"/d", "5"}}},
      {"empty value is a value, not a delete", {{"/a", "x"}}, {{"/a", ""}}, {{"/a", ""}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.desc);
    EXPECT_EQ(DiffSnapshot(c.previous, c.next), c.want);
  }
}

TEST(SyncStatusName, Names) {
  EXPECT_EQ(SyncStatusName(SyncStatus::kWaitForReady), "wait-for-ready");
  EXPECT_EQ(SyncStatusName(SyncStatus::kResync), "resync");
  EXPECT_EQ(SyncStatusName(SyncStatus::kInSync), "in-sync");
}

}  // namespace
}  // namespace felix::datastore
