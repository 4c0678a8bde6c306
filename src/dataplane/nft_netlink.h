// Direct nf_tables netlink (private to the layer), with libmnl and libnftnl:
// our own transactions (chains, rules, sets, elements), the ruleset
// generation id and the shape of our table, without libnftables' parser, its
// cache or a JSON copy of the table.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "dataplane/dataplane.h"

namespace felix::dataplane {

// A NETLINK_NETFILTER socket in the caller's current network namespace.
// Not thread-safe; owned by the backend.
// The netlink messages of one transaction: batch begin, the messages of a
// DirectChange in its order, batch end. Only the last message before the
// end asks for an ack; the kernel reports any failing message anyway, and
// processes the whole batch before it answers.
struct NftBatch {
  std::vector<char> bytes;
  uint32_t begin_seq = 0;  // a failure of the whole batch is reported here
  uint32_t last_seq = 0;   // the acked message
};
// Sequence numbers from `seq` + 1 on; `seq` ends at the last one used.
// InvalidArgument when a rule does not compile or an element is not an
// address of its set's family.
Result<NftBatch> BuildBatch(const DirectChange& c, uint32_t& seq);

class NftNetlinkReader {
 public:
  static Result<std::unique_ptr<NftNetlinkReader>> Open();
  ~NftNetlinkReader();
  NftNetlinkReader(const NftNetlinkReader&) = delete;
  NftNetlinkReader& operator=(const NftNetlinkReader&) = delete;

  // One batch (one transaction) with the parts of `c` (BuildBatch). On
  // failure nothing changed and the Status names the kernel's error.
  Status Commit(const DirectChange& c);
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
