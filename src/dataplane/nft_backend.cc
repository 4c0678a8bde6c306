// The real NftBackend: libnftables in-process. Each Run() is one
// nft_run_cmd_from_buffer call, which nft executes as one netlink batch (one
// atomic transaction); no `nft` process is ever started.
#include <nftables/libnftables.h>

#include <string>

#include "dataplane/dataplane.h"

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
  explicit LibNftablesBackend(nft_ctx* ctx) : ctx_(ctx) {}
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

  Result<std::string> ListTable() override {
    nft_ctx_output_set_flags(ctx_, NFT_CTX_OUTPUT_JSON);
    int rc = nft_run_cmd_from_buffer(ctx_, "list table inet calico");
    std::string out = nft_ctx_get_output_buffer(ctx_);
    std::string err = Trimmed(nft_ctx_get_error_buffer(ctx_));
    nft_ctx_output_set_flags(ctx_, 0);
    if (rc != 0) {
      if (err.find("No such file or directory") != std::string::npos) {
        return Status::NotFound("table inet calico does not exist");
      }
      return Status::IoError(err.empty() ? "nft list table failed" : err);
    }
    return out;
  }

 private:
  nft_ctx* const ctx_;
};

}  // namespace

Result<std::unique_ptr<NftBackend>> MakeLibNftablesBackend() {
  nft_ctx* ctx = nft_ctx_new(NFT_CTX_DEFAULT);
  if (ctx == nullptr) return Status::IoError("nft_ctx_new failed");
  if (nft_ctx_buffer_output(ctx) != 0 || nft_ctx_buffer_error(ctx) != 0) {
    nft_ctx_free(ctx);
    return Status::IoError("cannot buffer libnftables output");
  }
  return std::unique_ptr<NftBackend>(new LibNftablesBackend(ctx));
}

}  // namespace felix::dataplane
