// The resync diff: what to emit after a new snapshot so that a consumer that
// saw the previous state ends up with the new one, and nothing more.
#include <map>

#include "datastore/datastore.h"

namespace felix::datastore {

std::vector<KeyUpdate> DiffSnapshot(const std::vector<KeyValue>& previous,
                                    const std::vector<KeyValue>& next) {
  std::map<std::string_view, std::string_view> before;
  for (const KeyValue& kv : previous) before[kv.key] = kv.value;
  std::map<std::string_view, std::string_view> after;
  for (const KeyValue& kv : next) after[kv.key] = kv.value;

  std::vector<KeyUpdate> out;
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && b->first < a->first)) {
      out.push_back({std::string(b->first), std::nullopt});  // vanished
      ++b;
    } else if (b == before.end() || a->first < b->first) {
      out.push_back({std::string(a->first), std::string(a->second)});  // new
      ++a;
    } else {
      if (a->second != b->second) out.push_back({std::string(a->first), std::string(a->second)});
      ++a;
      ++b;
    }
  }
  return out;
}

std::string_view SyncStatusName(SyncStatus s) {
  switch (s) {
    case SyncStatus::kWaitForReady:
      return "wait-for-ready";
    case SyncStatus::kResync:
      return "resync";
    case SyncStatus::kInSync:
      return "in-sync";
  }
  return "unknown";
}

}  // namespace felix::datastore
