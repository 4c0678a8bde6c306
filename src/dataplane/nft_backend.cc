// The real NftBackend: libnftables in-process for scripts (each Run() is one
// nft_run_cmd_from_buffer call, which nft executes as one netlink batch: one
// atomic transaction), NftNetlinkReader for our own batches (Commit), the
// generation id and the table's shape. No `nft` process is ever started.
#include <nftables/libnftables.h>

#include <memory>
#include <string>

#include "dataplane/dataplane.h"
#include "dataplane/nft_netlink.h"

namespace felix::dataplane {
namespace {

// Trims trailing newlines from nft's error text.
std::string Trimmed(const char* s) {
  std::string out = s ? s : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

class LibNftablesBackend : public NftBackend {
 public:
  LibNftablesBackend(nft_ctx* ctx, std::unique_ptr<NftNetlinkReader> reader)
      : ctx_(ctx), reader_(std::move(reader)) {}
  ~LibNftablesBackend() override { nft_ctx_free(ctx_); }
  LibNftablesBackend(const LibNftablesBackend&) = delete;
  LibNftablesBackend& operator=(const LibNftablesBackend&) = delete;

  Status Run(const std::string& script) override {
    nft_ctx_output_set_flags(ctx_, 0);
    int rc = nft_run_cmd_from_buffer(ctx_, script.c_str());
    nft_ctx_get_output_buffer(ctx_);  // discard
    std::string err = Trimmed(nft_ctx_get_error_buffer(ctx_));
    if (rc != 0) return Status::IoError(err.empty() ? "nft transaction failed" : err);
    return Status::Ok();
  }

  Status Check(const std::string& script) override {
    nft_ctx_set_dry_run(ctx_, true);
    Status st = Run(script);
    nft_ctx_set_dry_run(ctx_, false);
    return st;
  }

  Status Commit(const DirectChange& c) override { return reader_->Commit(c); }
  Result<uint32_t> Generation() override { return reader_->Generation(); }
  Result<TableShape> ReadShape() override { return reader_->ReadShape(); }

 private:
  nft_ctx* const ctx_;
  const std::unique_ptr<NftNetlinkReader> reader_;
};

}  // namespace

Result<std::unique_ptr<NftBackend>> MakeLibNftablesBackend() {
  nft_ctx* ctx = nft_ctx_new(NFT_CTX_DEFAULT);
  if (ctx == nullptr) return Status::IoError("nft_ctx_new failed");
  if (nft_ctx_buffer_output(ctx) != 0 || nft_ctx_buffer_error(ctx) != 0) {
    nft_ctx_free(ctx);
    return Status::IoError("cannot buffer libnftables output");
  }
  auto reader = NftNetlinkReader::Open();
  if (!reader.ok()) {
    nft_ctx_free(ctx);
    return reader.status();
  }
  return std::unique_ptr<NftBackend>(new LibNftablesBackend(ctx, std::move(*reader)));
}

Result<std::string> ListTableJson() {
  nft_ctx* ctx = nft_ctx_new(NFT_CTX_DEFAULT);
  if (ctx == nullptr) return Status::IoError("nft_ctx_new failed");
  std::unique_ptr<nft_ctx, void (*)(nft_ctx*)> owned(ctx, nft_ctx_free);
  if (nft_ctx_buffer_output(ctx) != 0 || nft_ctx_buffer_error(ctx) != 0) {
    return Status::IoError("cannot buffer libnftables output");
  }
  nft_ctx_output_set_flags(ctx, NFT_CTX_OUTPUT_JSON);
  const int rc = nft_run_cmd_from_buffer(ctx, "list table inet calico");
  std::string out = nft_ctx_get_output_buffer(ctx);
  const std::string err = Trimmed(nft_ctx_get_error_buffer(ctx));
  if (rc != 0) {
    if (err.find("No such file or directory") != std::string::npos) {
      return Status::NotFound("no table inet calico here");
    }
    return Status::IoError(err.empty() ? "nft list failed" : err);
  }
  return out;
}

}  // namespace felix::dataplane
