// libFuzzer target for the model layer's text parsers: etcd keys (ParseKey
// must round-trip through KeyPath) and IP/CIDR/MAC text (a canonical form
// must parse back to the same value, in the same family). Any violation
// aborts. Seeds: fuzz/corpus/model_key/.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "model/keys.h"
#include "model/net.h"

namespace {

using felix::model::CanonicalMac;
using felix::model::KeyPath;
using felix::model::ParseCidr;
using felix::model::ParseIpAddr;
using felix::model::ParseKey;

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckKey(std::string_view text) {
  auto key = ParseKey(text);
  if (!key) return;
  auto again = ParseKey(KeyPath(*key));
  Check(again.has_value() && *again == *key);
}

void CheckNet(std::string_view text) {
  for (int version : {0, 4, 6}) {
    if (auto addr = ParseIpAddr(text, version)) {
      Check(version == 0 || addr->family == version);
      auto again = ParseIpAddr(addr->ToString(), addr->family);
      Check(again.has_value() && *again == *addr);
    }
    if (auto cidr = ParseCidr(text, version)) {
      Check(version == 0 || cidr->addr.family == version);
      Check(cidr->prefix >= 0 && cidr->prefix <= (cidr->addr.family == 4 ? 32 : 128));
      auto again = ParseCidr(cidr->ToString(), cidr->addr.family);
      Check(again.has_value() && *again == *cidr);
    }
  }
  if (auto mac = CanonicalMac(text)) Check(CanonicalMac(*mac) == mac);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckKey(text);
  CheckNet(text);
  return 0;
}
