// bundle export | import: sync by file for stations with no link (docs/protocol.md, "Bundles").
// The device program exports requests and imports answers; both programs import the requests
// of devices they provisioned and write the answers (liaison on a station, for its
// spokesperson devices).
#include <memory>

#include "shared/cli/common_commands.h"
#include "shared/service/bundle_device.h"
#include "shared/service/bundle_hub.h"

namespace liaison::cli {

namespace {

struct BundleInput {
  std::string file, out, answer;
};

Status export_request(Context& ctx, const BundleInput& in) {
  LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
  LIAISON_ASSIGN_OR_RETURN(service::ExportedBundle e, service::export_bundle(*r, in.out));
  app::Output& out = ctx.out();
  if (out.json()) {
    out.print_json({{"records", e.records}, {"attachments", e.blobs}, {"bytes", e.bytes},
                    {"file", in.out}, {"complete", e.complete}});
    return {};
  }
  out.print_line(out.format("msg.bundle_exported", in.out, e.records, e.blobs, e.bytes));
  if (!e.complete) out.print_line(out.text("msg.bundle_export_more"));
  return {};
}

Status answer_request(Context& ctx, const BundleInput& in) {
  LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
  LIAISON_ASSIGN_OR_RETURN(service::HubImport h, service::import_request(*r, in.file, in.answer));
  app::Output& out = ctx.out();
  if (out.json()) {
    out.print_json({{"device", h.device}, {"pushed", h.pushed}, {"refused", h.refused},
                    {"pulled", h.pulled}, {"complete", h.complete}, {"answer", in.answer},
                    {"bytes", h.answer_bytes}});
    return {};
  }
  out.print_line(out.format("msg.bundle_answered", h.device, h.pushed, h.refused, in.answer,
                            h.pulled, h.answer_bytes));
  if (!h.complete) out.print_line(out.text("msg.bundle_answer_more"));
  return {};
}

Status import_answer(Context& ctx, const BundleInput& in) {
  LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
  LIAISON_ASSIGN_OR_RETURN(service::ImportedAnswer a, service::import_answer(*r, in.file));
  const sync::SyncSummary& sum = a.summary;
  app::Output& out = ctx.out();
  if (out.json()) {
    out.print_json({{"pushed", sum.pushed}, {"pulled", sum.pulled}, {"conflicts", sum.conflicts},
                    {"refused", sum.refused}, {"attachments", sum.blobs_received},
                    {"complete", a.complete}, {"file", in.file}});
    return {};
  }
  out.print_line(out.format("msg.bundle_imported", sum.pushed, sum.pulled, sum.conflicts,
                            sum.refused, sum.blobs_received));
  if (!a.complete) out.print_line(out.text("msg.bundle_answer_more"));
  return {};
}

}  // namespace

void add_bundle_commands(Program& program, bool device) {
  CLI::App* group = program.group(program.app(), "bundle", "label.cmd.bundle");
  auto in = std::make_shared<BundleInput>();
  if (device) {
    CLI::App* exp = program.command(*group, "export", "label.cmd.bundle_export");
    exp->add_option("--out", in->out)->required();
    program.on_run(exp, [in](Context& ctx) { return export_request(ctx, *in); });
  }
  CLI::App* imp = program.command(*group, "import", device ? "label.cmd.bundle_import"
                                                           : "label.cmd.bundle_answer");
  imp->add_option("file", in->file)->required();
  CLI::Option* answer = imp->add_option("--answer", in->answer);
  if (!device) answer->required();
  program.on_run(imp, [in](Context& ctx) {
    return in->answer.empty() ? import_answer(ctx, *in) : answer_request(ctx, *in);
  });
}

}  // namespace liaison::cli
