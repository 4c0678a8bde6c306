// Direct nf_tables netlink (private to the layer), with libmnl and libnftnl:
// set element batches, the ruleset generation id and the shape of our
// table, without libnftables' parser, its cache or a JSON copy of the table.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "dataplane/dataplane.h"

namespace felix::dataplane {

// A NETLINK_NETFILTER socket in the caller's current network namespace.
// Not thread-safe; owned by the backend.
class NftNetlinkReader {
 public:
  static Result<std::unique_ptr<NftNetlinkReader>> Open();
  ~NftNetlinkReader();
  NftNetlinkReader(const NftNetlinkReader&) = delete;
  NftNetlinkReader& operator=(const NftNetlinkReader&) = delete;

  // One batch (one transaction): DELSETELEM then NEWSETELEM messages of
  // table inet calico's plain IP sets. On failure nothing changed and the
  // Status names the kernel's error.
  Status UpdateElements(const std::vector<ElementOps>& ops);
  // NFT_MSG_GETGEN: one request, one answer.
  Result<uint32_t> Generation();
  // Dumps the chains, rules, sets and set elements of table inet calico,
  // counting them as the messages arrive (rules by their chain attribute,
  // elements without the interval-end flag: one per interval). NotFound
  // when the table does not exist.
  Result<TableShape> ReadShape();

 private:
  struct Socket;
  explicit NftNetlinkReader(std::unique_ptr<Socket> s);
  std::unique_ptr<Socket> sock_;
};

}  // namespace felix::dataplane
