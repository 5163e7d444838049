// HttpServer: the accept loop, one HttpSession per connection ((TLS handshake,) read a request,
// call the handler, write the response, again while keep-alive holds), and shutdown. Everything
// runs on the one I/O thread, so the sessions' registry needs no lock.
#include "shared/net/http_server.h"

#include <cassert>
#include <cctype>
#include <csignal>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/http.hpp>

#include "shared/net/listen.h"

namespace liaison::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;
namespace ssl = asio::ssl;

const std::string& HttpRequest::header(const std::string& name) const {
  static const std::string kNone;
  auto it = headers.find(name);
  return it == headers.end() ? kNone : it->second;
}

bool percent_decode(std::string_view text, bool plus_is_space, std::string& out) {
  out.clear();
  out.reserve(text.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return false;
      int hi = hex(text[i + 1]), lo = hex(text[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

namespace {

struct Shared;

// What the registry of live sessions needs from a session of either kind.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close() = 0;
};

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection: (TLS handshake,) then requests answered in order while keep-alive holds.
template <class Stream>
class HttpSession : public SessionBase, public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(Stream stream, Shared& shared, uint64_t id)
      : stream_(std::move(stream)), shared_(shared), id_(id) {
    error_code ec;
    auto ep = socket().remote_endpoint(ec);
    if (!ec) peer_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    auto local = socket().local_endpoint(ec);
    if (!ec) local_port_ = local.port();
  }
  void run();
  void close() override {
    error_code ec;
    socket().shutdown(tcp::socket::shutdown_both, ec);
    socket().close(ec);
  }

 private:
  tcp::socket& socket() { return beast::get_lowest_layer(stream_).socket(); }
  void expire();
  void read();
  void on_read(error_code ec);
  void respond(HttpResponse response, bool keep_alive, unsigned version);
  void finish();

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  Shared& shared_;
  uint64_t id_;
  std::string peer_;
  uint16_t local_port_ = 0;
};

// What the listener and the sessions share; lives on the I/O thread.
struct Shared {
  Shared(asio::io_context& ioc, HttpOptions o, HttpHandler h, std::optional<ssl::context> t)
      : options(std::move(o)),
        handler(std::move(h)),
        tls(std::move(t)),
        acceptor(ioc),
        signals(ioc) {}
  const HttpOptions options;
  const HttpHandler handler;
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  std::unordered_map<uint64_t, std::weak_ptr<SessionBase>> live;
  uint64_t next_id = 1;
  bool stopping = false;

  void accept() {
    acceptor.async_accept([this](error_code ec, tcp::socket socket) {
      if (stopping) return;
      if (!ec) {
        uint64_t id = next_id++;
        if (tls) {
          auto session = std::make_shared<HttpSession<TlsStream>>(
              TlsStream(PlainStream(std::move(socket)), *tls), *this, id);
          live.emplace(id, session);
          session->run();
        } else {
          auto session =
              std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(socket)), *this, id);
          live.emplace(id, session);
          session->run();
        }
      }
      accept();
    });
  }
  void stop() {
    if (stopping) return;
    stopping = true;
    error_code ec;
    acceptor.close(ec);
    signals.cancel(ec);
    for (auto& [id, weak] : live) {
      if (auto s = weak.lock()) s->close();
    }
  }
};

template <class Stream>
void HttpSession<Stream>::expire() {
  beast::get_lowest_layer(stream_).expires_after(shared_.options.idle_timeout);
}

template <class Stream>
void HttpSession<Stream>::run() {
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    expire();
    stream_.async_handshake(ssl::stream_base::server,
                            [self = this->shared_from_this()](error_code ec) {
                              if (ec) return self->finish();
                              self->read();
                            });
  } else {
    read();
  }
}

template <class Stream>
void HttpSession<Stream>::read() {
  parser_.emplace();
  parser_->body_limit(shared_.options.max_body);
  parser_->header_limit(static_cast<uint32_t>(shared_.options.max_header));
  expire();
  http::async_read(stream_, buffer_, *parser_,
                   [self = this->shared_from_this()](error_code ec, size_t) { self->on_read(ec); });
}

template <class Stream>
void HttpSession<Stream>::on_read(error_code ec) {
  if (shared_.stopping) return finish();
  if (ec == http::error::body_limit) {
    HttpResponse r{413, "application/json; charset=utf-8", "{\"error\":\"body too large\"}", {}};
    return respond(std::move(r), false, 11);
  }
  if (ec == http::error::header_limit) {
    HttpResponse r{431, "application/json; charset=utf-8", "{\"error\":\"headers too large\"}",
                   {}};
    return respond(std::move(r), false, 11);
  }
  if (ec) return finish();  // closed, timed out or not HTTP: nothing to answer
  http::request<http::string_body> msg = parser_->release();
  HttpRequest req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  req.peer = peer_;
  req.local_port = local_port_;
  for (const auto& field : msg) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers[name] = std::string(field.value());
  }
  req.body = std::move(msg.body());
  std::string_view target = req.target;
  size_t q = target.find('?');
  bool ok = percent_decode(target.substr(0, q), false, req.path);
  if (ok && q != std::string_view::npos) {
    std::string_view rest = target.substr(q + 1);
    while (ok && !rest.empty()) {
      size_t amp = rest.find('&');
      std::string_view pair = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
      if (pair.empty()) continue;
      size_t eq = pair.find('=');
      std::string key, value;
      ok = percent_decode(pair.substr(0, eq), true, key) &&
           (eq == std::string_view::npos || percent_decode(pair.substr(eq + 1), true, value));
      if (ok) req.query.emplace_back(std::move(key), std::move(value));
    }
  }
  HttpResponse response;
  if (!ok || req.path.empty() || req.path.front() != '/') {
    response = {400, "application/json; charset=utf-8", "{\"error\":\"bad request target\"}", {}};
  } else {
    try {
      response = shared_.handler(req);
    } catch (const std::exception&) {
      response = {500, "application/json; charset=utf-8", "{\"error\":\"internal error\"}", {}};
    }
  }
  respond(std::move(response), msg.keep_alive(), msg.version());
}

template <class Stream>
void HttpSession<Stream>::respond(HttpResponse r, bool keep_alive, unsigned version) {
  response_.emplace(static_cast<http::status>(r.status), version);
  response_->set(http::field::server, "liaison");
  response_->set(http::field::content_type, r.content_type);
  response_->set(http::field::cache_control, "no-store");
  response_->set("X-Content-Type-Options", "nosniff");
  for (auto& [name, value] : r.headers) response_->insert(name, value);
  response_->body() = std::move(r.body);
  response_->keep_alive(keep_alive);
  response_->prepare_payload();
  expire();
  http::async_write(stream_, *response_,
                    [self = this->shared_from_this(), keep_alive](error_code ec, size_t) {
                      if (ec || !keep_alive || self->shared_.stopping) return self->finish();
                      self->read();
                    });
}

template <class Stream>
void HttpSession<Stream>::finish() {
  close();
  shared_.live.erase(id_);
}

}  // namespace

struct HttpServer::Impl {
  asio::io_context ioc{1};
  std::unique_ptr<Shared> shared;
  std::thread thread;
  uint16_t port = 0;
  std::mutex join_mu;
  bool joined = false;  // GUARDED_BY(join_mu)
};

Result<std::unique_ptr<HttpServer>> HttpServer::start(HttpOptions options, HttpHandler handler) {
  assert(handler);
  auto impl = std::make_unique<Impl>();
  LIAISON_ASSIGN_OR_RETURN(tcp::endpoint ep,
                           detail::listen_endpoint(impl->ioc, options.host, options.port));
  LIAISON_ASSIGN_OR_RETURN(std::optional<ssl::context> tls,
                           detail::load_tls(options.tls_cert_file, options.tls_key_file));
  impl->shared = std::make_unique<Shared>(impl->ioc, std::move(options), std::move(handler),
                                          std::move(tls));
  Shared& s = *impl->shared;
  LIAISON_RETURN_IF_ERROR(detail::open_acceptor(s.acceptor, ep, s.options.host, s.options.port));
  error_code ec;
  impl->port = s.acceptor.local_endpoint(ec).port();
  if (ec) return Status::io("cannot read the bound port: " + ec.message());
  if (!s.options.port_file.empty()) {
    LIAISON_RETURN_IF_ERROR(detail::write_port_file(s.options.port_file, impl->port));
  }
  s.accept();
  impl->thread = std::thread([ctx = &impl->ioc] { detail::run_loop(*ctx); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { shutdown(); }

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::shutdown() {
  asio::post(impl_->ioc, [s = impl_->shared.get()] { s->stop(); });
  wait();
}

Status HttpServer::shutdown_on_signals() {
  Shared* s = impl_->shared.get();
  std::promise<error_code> added;
  asio::post(impl_->ioc, [s, &added] {
    error_code ec;
    s->signals.add(SIGINT, ec);
    if (!ec) s->signals.add(SIGTERM, ec);
    if (!ec) {
      s->signals.async_wait([s](error_code wait_ec, int) {
        if (!wait_ec) s->stop();
      });
    }
    added.set_value(ec);
  });
  error_code ec = added.get_future().get();
  if (ec) return Status::io("cannot install the SIGINT/SIGTERM handlers: " + ec.message());
  return Status::ok();
}

void HttpServer::wait() {
  std::lock_guard lock(impl_->join_mu);
  if (impl_->joined) return;
  impl_->thread.join();
  impl_->joined = true;
}

}  // namespace liaison::net
