// BuildBatch (nft_netlink.h): a DirectChange as nf_tables netlink messages,
// objects and expressions built with libnftnl. Each message is written at
// the end of a growing buffer that always keeps kRoom bytes free, so no
// libnftnl builder (which does not check bounds) can overrun it; element
// lists go in messages of at most kElementsPerMessage.
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <fmt/format.h>

#include <map>

#include "dataplane/nft_expr.h"
#include "dataplane/nft_netlink.h"

namespace felix::dataplane {
namespace {

constexpr char kTableName[] = "calico";
constexpr size_t kRoom = size_t{64} * 1024;
constexpr size_t kElementsPerMessage = 512;  // <= 40 bytes each: well inside kRoom
// nft's datatype ids of set keys (nftables' enum datatypes).
constexpr uint32_t kTypeIpv4Addr = 7;
constexpr uint32_t kTypeIpv6Addr = 8;
constexpr uint32_t kTypeIfname = 41;
constexpr size_t kIfNameSize = 16;
constexpr char kAnonymous[] = "__set%d";  // the kernel picks the number
constexpr uint32_t kByteorderHost = 1;    // nftables' BYTEORDER_HOST_ENDIAN

class Writer {
 public:
  explicit Writer(uint32_t& seq) : seq_(seq) { bytes_.resize(kRoom); }

  // A message header at the end of the buffer; Done() after its payload.
  nlmsghdr* Begin(uint16_t type, uint16_t flags) {
    last_seq_ = ++seq_;
    return nftnl_nlmsg_build_hdr(bytes_.data() + used_, type, NFPROTO_INET, flags, last_seq_);
  }
  void Done(const nlmsghdr* nlh) { Advance(nlh->nlmsg_len); }
  void BatchBegin() {
    begin_seq_ = ++seq_;
    nftnl_batch_begin(bytes_.data() + used_, begin_seq_);
    Advance(reinterpret_cast<const nlmsghdr*>(bytes_.data() + used_)->nlmsg_len);
  }
  NftBatch Finish() {
    // Ask for the ack of the last message (the batch end message itself is
    // not acked by every kernel).
    if (last_nlh_ != std::string::npos) {
      reinterpret_cast<nlmsghdr*>(bytes_.data() + last_nlh_)->nlmsg_flags |= NLM_F_ACK;
    }
    nftnl_batch_end(bytes_.data() + used_, ++seq_);
    Advance(reinterpret_cast<const nlmsghdr*>(bytes_.data() + used_)->nlmsg_len);
    bytes_.resize(used_);
    return NftBatch{std::move(bytes_), begin_seq_, last_seq_};
  }

 private:
  void Advance(uint32_t len) {
    if (last_seq_ == seq_) last_nlh_ = used_;
    used_ += MNL_ALIGN(len);
    // Only the room in use is zeroed (and so resident); the vector's own
    // growth keeps the appends amortised O(1).
    if (bytes_.size() - used_ < kRoom) bytes_.resize(used_ + kRoom);
  }

  uint32_t& seq_;
  std::vector<char> bytes_;
  size_t used_ = 0;
  size_t last_nlh_ = std::string::npos;
  uint32_t begin_seq_ = 0, last_seq_ = 0;
};

template <typename T, void (*Free)(const T*)>
struct Owned {
  T* p;
  ~Owned() { Free(p); }
};

nftnl_expr* Expr(const NftExpr& e, uint32_t anon_id) {
  using Kind = NftExpr::Kind;
  auto make = [](const char* name) { return nftnl_expr_alloc(name); };
  auto data = [](nftnl_expr* x, uint16_t attr, const std::vector<uint8_t>& d) {
    nftnl_expr_set(x, attr, d.data(), static_cast<uint32_t>(d.size()));
  };
  nftnl_expr* x = nullptr;
  switch (e.kind) {
    case Kind::kMetaLoad:
    case Kind::kMetaSet:
      x = make("meta");
      nftnl_expr_set_u32(x, NFTNL_EXPR_META_KEY, e.key);
      nftnl_expr_set_u32(x, e.kind == Kind::kMetaLoad ? NFTNL_EXPR_META_DREG : NFTNL_EXPR_META_SREG,
                         NFT_REG_1);
      break;
    case Kind::kCtLoad:
      x = make("ct");
      nftnl_expr_set_u32(x, NFTNL_EXPR_CT_KEY, e.key);
      nftnl_expr_set_u32(x, NFTNL_EXPR_CT_DREG, NFT_REG_1);
      break;
    case Kind::kPayload:
      x = make("payload");
      nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
      nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_BASE, e.key);
      nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_OFFSET, e.offset);
      nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_LEN, e.len);
      break;
    case Kind::kCmp:
      x = make("cmp");
      nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
      nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_OP, e.key);
      data(x, NFTNL_EXPR_CMP_DATA, e.data);
      break;
    case Kind::kBitwise:
      x = make("bitwise");
      nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
      nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
      nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_LEN, e.len);
      data(x, NFTNL_EXPR_BITWISE_MASK, e.data);
      data(x, NFTNL_EXPR_BITWISE_XOR, e.data2);
      break;
    case Kind::kRange:
      x = make("range");
      nftnl_expr_set_u32(x, NFTNL_EXPR_RANGE_SREG, NFT_REG_1);
      nftnl_expr_set_u32(x, NFTNL_EXPR_RANGE_OP, e.key);
      data(x, NFTNL_EXPR_RANGE_FROM_DATA, e.data);
      data(x, NFTNL_EXPR_RANGE_TO_DATA, e.data2);
      break;
    case Kind::kLookup:
      x = make("lookup");
      nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
      // An anonymous set is named by the kernel; the rule finds it by id.
      nftnl_expr_set_str(x, NFTNL_EXPR_LOOKUP_SET, e.name.empty() ? kAnonymous : e.name.c_str());
      if (e.name.empty()) nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_SET_ID, anon_id);
      if (e.verdict_map) nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_DREG, NFT_REG_VERDICT);
      if (e.invert) nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
      break;
    case Kind::kVerdict:
      x = make("immediate");
      nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
      nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_VERDICT, e.key);
      if (!e.name.empty()) nftnl_expr_set_str(x, NFTNL_EXPR_IMM_CHAIN, e.name.c_str());
      break;
    case Kind::kNotrack:
      x = make("notrack");
      break;
    case Kind::kLimit:
      x = make("limit");
      nftnl_expr_set_u64(x, NFTNL_EXPR_LIMIT_RATE, e.key);
      nftnl_expr_set_u64(x, NFTNL_EXPR_LIMIT_UNIT, 1);
      nftnl_expr_set_u32(x, NFTNL_EXPR_LIMIT_BURST, e.offset);
      nftnl_expr_set_u32(x, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
      nftnl_expr_set_u32(x, NFTNL_EXPR_LIMIT_FLAGS, 0);
      break;
    case Kind::kLog:
      x = make("log");
      nftnl_expr_set_str(x, NFTNL_EXPR_LOG_PREFIX, e.name.c_str());
      nftnl_expr_set_u32(x, NFTNL_EXPR_LOG_LEVEL, e.key);
      break;
    case Kind::kCounter:
      x = make("counter");
      nftnl_expr_set_u64(x, NFTNL_EXPR_CTR_PACKETS, 0);
      nftnl_expr_set_u64(x, NFTNL_EXPR_CTR_BYTES, 0);
      break;
  }
  return x;
}

void ChainMessage(Writer& w, const std::string& name, uint16_t type, uint16_t flags) {
  Owned<nftnl_chain, nftnl_chain_free> c{nftnl_chain_alloc()};
  nftnl_chain_set_str(c.p, NFTNL_CHAIN_TABLE, kTableName);
  nftnl_chain_set_str(c.p, NFTNL_CHAIN_NAME, name.c_str());
  nlmsghdr* nlh = w.Begin(type, flags);
  nftnl_chain_nlmsg_build_payload(nlh, c.p);
  w.Done(nlh);
}

nftnl_set* SetObject(const std::string& name) {
  nftnl_set* s = nftnl_set_alloc();
  nftnl_set_set_str(s, NFTNL_SET_TABLE, kTableName);
  nftnl_set_set_str(s, NFTNL_SET_NAME, name.c_str());
  return s;
}

// NEWSETELEM / DELSETELEM messages for `keys` of a set of `family`.
Status ElementMessages(Writer& w, const std::string& set, int family,
                       const std::vector<std::string>& keys, uint16_t type, uint16_t flags) {
  for (size_t from = 0; from < keys.size(); from += kElementsPerMessage) {
    Owned<nftnl_set, nftnl_set_free> s{SetObject(set)};
    const size_t to = std::min(keys.size(), from + kElementsPerMessage);
    for (size_t k = from; k < to; ++k) {
      unsigned char addr[16];
      if (inet_pton(family == 4 ? AF_INET : AF_INET6, keys[k].c_str(), addr) != 1) {
        return Status::InvalidArgument(fmt::format("not an IPv{} address: {}", family, keys[k]));
      }
      nftnl_set_elem* e = nftnl_set_elem_alloc();
      nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, addr, family == 4 ? 4 : 16);
      nftnl_set_elem_add(s.p, e);
    }
    nlmsghdr* nlh = w.Begin(type, flags);
    nftnl_set_elems_nlmsg_build_payload(nlh, s.p);
    w.Done(nlh);
  }
  return Status::Ok();
}

// The anonymous set of lookup `e` (constant, bound by the rule that
// follows in the same batch), with its elements.
void AnonymousSet(Writer& w, const NftExpr& e, uint32_t id) {
  const auto key_len = static_cast<uint32_t>(e.set_elements.front().size());
  Owned<nftnl_set, nftnl_set_free> s{SetObject(kAnonymous)};
  nftnl_set_set_u32(s.p, NFTNL_SET_FLAGS,
                    NFT_SET_ANONYMOUS | NFT_SET_CONSTANT | (e.interval ? NFT_SET_INTERVAL : 0));
  nftnl_set_set_u32(s.p, NFTNL_SET_KEY_TYPE, e.key_type);
  nftnl_set_set_u32(s.p, NFTNL_SET_KEY_LEN, key_len);
  nftnl_set_set_u32(s.p, NFTNL_SET_ID, id);
  nftnl_set_set_u32(s.p, NFTNL_SET_DESC_SIZE, static_cast<uint32_t>(e.set_elements.size()));
  nlmsghdr* nlh = w.Begin(NFT_MSG_NEWSET, NLM_F_CREATE);
  nftnl_set_nlmsg_build_payload(nlh, s.p);
  w.Done(nlh);
  for (size_t k = 0; k < e.set_elements.size(); ++k) {
    nftnl_set_elem* el = nftnl_set_elem_alloc();
    nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, e.set_elements[k].data(), key_len);
    const uint8_t flags = e.interval ? e.set_element_flags[k] : 0;
    if (flags & NftExpr::kElementEnd) {
      nftnl_set_elem_set_u32(el, NFTNL_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
    }
    if (flags & NftExpr::kElementOpen) {
      // A range up to the top has no end element; nft records it here.
      Owned<nftnl_udata_buf, nftnl_udata_buf_free> ud{nftnl_udata_buf_alloc(16)};
      nftnl_udata_put_u32(ud.p, NFTNL_UDATA_SET_ELEM_FLAGS, NFTNL_SET_ELEM_F_INTERVAL_OPEN);
      nftnl_set_elem_set(el, NFTNL_SET_ELEM_USERDATA, nftnl_udata_buf_data(ud.p),
                         nftnl_udata_buf_len(ud.p));
    }
    nftnl_set_elem_add(s.p, el);
  }
  nlh = w.Begin(NFT_MSG_NEWSETELEM, NLM_F_CREATE);
  nftnl_set_elems_nlmsg_build_payload(nlh, s.p);
  w.Done(nlh);
}

Status RuleMessage(Writer& w, const std::string& chain, const std::string& text, uint32_t& set_id) {
  std::optional<std::vector<NftExpr>> exprs = CompileRule(text);
  if (!exprs) return Status::InvalidArgument(fmt::format("rule not compiled: {}", text));
  Owned<nftnl_rule, nftnl_rule_free> r{nftnl_rule_alloc()};
  nftnl_rule_set_str(r.p, NFTNL_RULE_TABLE, kTableName);
  nftnl_rule_set_str(r.p, NFTNL_RULE_CHAIN, chain.c_str());
  nftnl_rule_set_u32(r.p, NFTNL_RULE_FAMILY, NFPROTO_INET);
  for (const auto& e : *exprs) {
    uint32_t anon_id = 0;
    if (e.kind == NftExpr::Kind::kLookup && e.name.empty()) {
      anon_id = ++set_id;
      AnonymousSet(w, e, anon_id);
    }
    nftnl_rule_add_expr(r.p, Expr(e, anon_id));  // the rule owns them
  }
  if (const std::optional<std::string> comment = RuleComment(text)) {
    // As nft stores it: one NUL-terminated comment attribute.
    Owned<nftnl_udata_buf, nftnl_udata_buf_free> ud{nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN)};
    if (!nftnl_udata_put_strz(ud.p, NFTNL_UDATA_RULE_COMMENT, comment->c_str())) {
      return Status::InvalidArgument(fmt::format("rule comment too long: {}", text));
    }
    nftnl_rule_set_data(r.p, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud.p),
                        nftnl_udata_buf_len(ud.p));
  }
  nlmsghdr* nlh = w.Begin(NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
  nftnl_rule_nlmsg_build_payload(nlh, r.p);
  w.Done(nlh);
  return Status::Ok();
}

Status PlainSet(Writer& w, const std::string& name, int family,
                const std::vector<std::string>& elements, uint32_t& set_id) {
  Owned<nftnl_set, nftnl_set_free> s{SetObject(name)};
  nftnl_set_set_u32(s.p, NFTNL_SET_KEY_TYPE, family == 4 ? kTypeIpv4Addr : kTypeIpv6Addr);
  nftnl_set_set_u32(s.p, NFTNL_SET_KEY_LEN, family == 4 ? 4 : 16);
  nftnl_set_set_u32(s.p, NFTNL_SET_FLAGS, 0);
  nftnl_set_set_u32(s.p, NFTNL_SET_ID, ++set_id);  // the kernel requires one
  nlmsghdr* nlh = w.Begin(NFT_MSG_NEWSET, NLM_F_CREATE);
  nftnl_set_nlmsg_build_payload(nlh, s.p);
  w.Done(nlh);
  return ElementMessages(w, name, family, elements, NFT_MSG_NEWSETELEM, NLM_F_CREATE);
}

// An `ifname : verdict` map with its elements (keys are quoted names,
// data verdict text such as "goto cali-fh-eth0").
Status VerdictMap(Writer& w, const std::string& name, const rules::Set& m, uint32_t& set_id) {
  Owned<nftnl_set, nftnl_set_free> s{SetObject(name)};
  nftnl_set_set_u32(s.p, NFTNL_SET_FLAGS, NFT_SET_MAP);
  nftnl_set_set_u32(s.p, NFTNL_SET_KEY_TYPE, kTypeIfname);
  nftnl_set_set_u32(s.p, NFTNL_SET_KEY_LEN, kIfNameSize);
  nftnl_set_set_u32(s.p, NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
  nftnl_set_set_u32(s.p, NFTNL_SET_DATA_LEN, 0);
  nftnl_set_set_u32(s.p, NFTNL_SET_ID, ++set_id);
  // nft lists ifname keys by the byte order the set's user data records
  // (host order, as libnftables writes it); without it they print empty.
  Owned<nftnl_udata_buf, nftnl_udata_buf_free> ud{nftnl_udata_buf_alloc(64)};
  nftnl_udata_put_u32(ud.p, NFTNL_UDATA_SET_KEYBYTEORDER, kByteorderHost);
  nftnl_udata_put_u32(ud.p, NFTNL_UDATA_SET_DATABYTEORDER, 0);
  nftnl_udata_put_u32(ud.p, NFTNL_UDATA_SET_DATA_INTERVAL, 0);
  nftnl_set_set_data(s.p, NFTNL_SET_USERDATA, nftnl_udata_buf_data(ud.p),
                     nftnl_udata_buf_len(ud.p));
  nlmsghdr* nlh = w.Begin(NFT_MSG_NEWSET, NLM_F_CREATE);
  nftnl_set_nlmsg_build_payload(nlh, s.p);
  w.Done(nlh);
  if (m.elements.empty()) return Status::Ok();
  Owned<nftnl_set, nftnl_set_free> e{SetObject(name)};
  for (const auto& [key, verdict] : m.elements) {
    std::optional<std::vector<NftExpr>> v = CompileRule(verdict);
    if (key.size() < 3 || key.size() - 2 >= kIfNameSize || !v || v->size() != 1 ||
        v->front().kind != NftExpr::Kind::kVerdict) {
      return Status::InvalidArgument(fmt::format("map element {} : {}", key, verdict));
    }
    char ifname[kIfNameSize] = {};
    key.copy(ifname, key.size() - 2, 1);
    nftnl_set_elem* el = nftnl_set_elem_alloc();
    nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, ifname, kIfNameSize);
    nftnl_set_elem_set_u32(el, NFTNL_SET_ELEM_VERDICT, v->front().key);
    if (!v->front().name.empty()) {
      nftnl_set_elem_set_str(el, NFTNL_SET_ELEM_CHAIN, v->front().name.c_str());
    }
    nftnl_set_elem_add(e.p, el);
  }
  nlh = w.Begin(NFT_MSG_NEWSETELEM, NLM_F_CREATE);
  nftnl_set_elems_nlmsg_build_payload(nlh, e.p);
  w.Done(nlh);
  return Status::Ok();
}

// The whole table, as FullReplaceScript: `add table` (so that the delete
// cannot fail), `delete table`, `add table`, then every chain (declared
// first: map elements and rules refer to them), every set and map with its
// elements, every rule.
Status FullProgram(Writer& w, const rules::Table& t, uint32_t& set_id) {
  for (uint16_t type : {NFT_MSG_NEWTABLE, NFT_MSG_DELTABLE, NFT_MSG_NEWTABLE}) {
    Owned<nftnl_table, nftnl_table_free> tb{nftnl_table_alloc()};
    nftnl_table_set_str(tb.p, NFTNL_TABLE_NAME, kTableName);
    nlmsghdr* nlh = w.Begin(type, type == NFT_MSG_NEWTABLE ? NLM_F_CREATE : 0);
    nftnl_table_nlmsg_build_payload(nlh, tb.p);
    w.Done(nlh);
  }
  static const std::map<std::string, uint32_t> kHooks = {{"prerouting", NF_INET_PRE_ROUTING},
                                                         {"input", NF_INET_LOCAL_IN},
                                                         {"forward", NF_INET_FORWARD},
                                                         {"output", NF_INET_LOCAL_OUT},
                                                         {"postrouting", NF_INET_POST_ROUTING}};
  for (const auto& [name, chain] : t.chains) {
    Owned<nftnl_chain, nftnl_chain_free> c{nftnl_chain_alloc()};
    nftnl_chain_set_str(c.p, NFTNL_CHAIN_TABLE, kTableName);
    nftnl_chain_set_str(c.p, NFTNL_CHAIN_NAME, name.c_str());
    if (chain.hook) {
      auto hook = kHooks.find(chain.hook->hook);
      if (hook == kHooks.end() || chain.hook->type != "filter") {
        return Status::InvalidArgument(fmt::format("base chain {}", name));
      }
      nftnl_chain_set_u32(c.p, NFTNL_CHAIN_HOOKNUM, hook->second);
      nftnl_chain_set_s32(c.p, NFTNL_CHAIN_PRIO, chain.hook->priority);
      nftnl_chain_set_str(c.p, NFTNL_CHAIN_TYPE, "filter");
      nftnl_chain_set_u32(c.p, NFTNL_CHAIN_POLICY,
                          chain.hook->policy == "drop" ? NF_DROP : NF_ACCEPT);
    }
    nlmsghdr* nlh = w.Begin(NFT_MSG_NEWCHAIN, NLM_F_CREATE);
    nftnl_chain_nlmsg_build_payload(nlh, c.p);
    w.Done(nlh);
  }
  for (const auto& [name, s] : t.sets) {
    const bool plain =
        !s.data_type && s.flags.empty() && (s.key_type == "ipv4_addr" || s.key_type == "ipv6_addr");
    std::vector<std::string> keys;
    if (plain) {
      keys.reserve(s.elements.size());
      for (const auto& [k, v] : s.elements) keys.push_back(k);
    }
    const bool vmap = s.key_type == "ifname" && s.data_type == "verdict" && s.flags.empty();
    if (!plain && !vmap) return Status::InvalidArgument(fmt::format("set {}", name));
    Status st = plain ? PlainSet(w, name, s.key_type == "ipv4_addr" ? 4 : 6, keys, set_id)
                      : VerdictMap(w, name, s, set_id);
    if (!st.ok()) return st;
  }
  for (const auto& [name, chain] : t.chains) {
    for (const auto& text : chain.rules) {
      Status st = RuleMessage(w, name, text, set_id);
      if (!st.ok()) return st;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<NftBatch> BuildBatch(const DirectChange& c, uint32_t& seq) {
  Writer w(seq);
  uint32_t set_id = 0;
  w.BatchBegin();
  for (const auto& name : c.new_chains) ChainMessage(w, name, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
  if (c.replace != nullptr) {
    Status st = FullProgram(w, *c.replace, set_id);
    if (!st.ok()) return st;
    return w.Finish();
  }
  for (const auto& ns : c.new_sets) {
    Status st = PlainSet(w, ns.name, ns.family, ns.elements, set_id);
    if (!st.ok()) return st;
  }
  for (const auto& o : c.elements) {
    Status st = ElementMessages(w, o.set, o.family, o.del, NFT_MSG_DELSETELEM, 0);
    if (!st.ok()) return st;
  }
  for (const auto& o : c.elements) {
    Status st = ElementMessages(w, o.set, o.family, o.add, NFT_MSG_NEWSETELEM, NLM_F_CREATE);
    if (!st.ok()) return st;
  }
  // A DELRULE naming only the chain deletes all of its rules (a flush).
  for (const auto& name : c.flush_chains) {
    Owned<nftnl_rule, nftnl_rule_free> r{nftnl_rule_alloc()};
    nftnl_rule_set_str(r.p, NFTNL_RULE_TABLE, kTableName);
    nftnl_rule_set_str(r.p, NFTNL_RULE_CHAIN, name.c_str());
    nlmsghdr* nlh = w.Begin(NFT_MSG_DELRULE, 0);
    nftnl_rule_nlmsg_build_payload(nlh, r.p);
    w.Done(nlh);
  }
  for (const auto& cr : c.rules) {
    for (const auto& text : cr.rules) {
      Status st = RuleMessage(w, cr.chain, text, set_id);
      if (!st.ok()) return st;
    }
  }
  for (const auto& name : c.delete_chains) ChainMessage(w, name, NFT_MSG_DELCHAIN, 0);
  for (const auto& name : c.delete_sets) {
    Owned<nftnl_set, nftnl_set_free> s{SetObject(name)};
    nlmsghdr* nlh = w.Begin(NFT_MSG_DELSET, 0);
    nftnl_set_nlmsg_build_payload(nlh, s.p);
    w.Done(nlh);
  }
  return w.Finish();
}

}  // namespace felix::dataplane
