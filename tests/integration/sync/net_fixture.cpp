#include "tests/integration/sync/net_fixture.h"

namespace liaison::test {

namespace {

Result<sync::Fields> by_index(const sync::TablePolicy& t, const NamedFields& fields) {
  sync::Fields f;
  for (const auto& [name, value] : fields) {
    int i = t.column_index(name);
    if (i <= 0) return Status::invalid("test.unknown_column", name);
    f.emplace_back(i, value);
  }
  return f;
}

}  // namespace

Result<std::string> insert_row(sync::Replica& r, std::string_view table, const NamedFields& fields,
                               const std::string& id) {
  const sync::TablePolicy* t = sync::find_table(table);
  if (t == nullptr) return Status::invalid("test.unknown_table", std::string(table));
  LIAISON_ASSIGN_OR_RETURN(sync::Fields f, by_index(*t, fields));
  std::string made;
  LIAISON_RETURN_IF_ERROR(r.write([&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(made, r.insert(*t, std::move(f), id));
    return {};
  }));
  return made;
}

Status update_row(sync::Replica& r, std::string_view table, const std::string& id,
                  const NamedFields& fields) {
  const sync::TablePolicy* t = sync::find_table(table);
  if (t == nullptr) return Status::invalid("test.unknown_table", std::string(table));
  LIAISON_ASSIGN_OR_RETURN(sync::Fields f, by_index(*t, fields));
  return r.write([&] { return r.update(*t, id, f); });
}

int64_t query_count(sync::Replica& r, const std::string& sql) {
  auto q = r.db().prepare(sql);
  if (!q) return -1;
  auto row = q->step();
  if (!row) return -1;
  return row.value() ? q->column_int(0) : 0;
}

ServedDistrict::ServedDistrict(const std::string& path, bool create) {
  auto r = create ? sync::Replica::create(path, {Uuid{}, sync::Role::kDistrict})
                  : sync::Replica::open(path);
  if (r) replica_ = std::move(r).value();
}

ServedDistrict::~ServedDistrict() { stop(); }

Status ServedDistrict::start(net::ServerOptions options) {
  options.host = "127.0.0.1";
  options.port = 0;
  LIAISON_ASSIGN_OR_RETURN(server_, service::SyncServer::start(*replica_, std::move(options)));
  return {};
}

void ServedDistrict::stop() {
  if (!server_) return;
  server_->shutdown(std::chrono::milliseconds(2000));
  server_.reset();
}

uint16_t ServedDistrict::port() const { return server_ ? server_->port() : 0; }

Result<std::string> ServedDistrict::add_device(const std::string& role, const std::string& station,
                                               const std::string& spokesperson) {
  LIAISON_ASSIGN_OR_RETURN(app::NewDevice d,
                           app::add_device(*replica_, {role, station, spokesperson}));
  return d.token;
}

service::SyncOptions once(const std::string& url, const std::string& token) {
  service::SyncOptions o;
  o.net.url = url;
  o.token = token;
  o.retry.retries = 0;
  o.retry.max_attempts = 1;  // an attempt that made progress is retried otherwise
  return o;
}

}  // namespace liaison::test
