#include "shared/storage/checkpointer.h"

#include <sqlite3.h>

#include <system_error>
#include <utility>

namespace liaison::storage {

Checkpointer::Checkpointer(sqlite3* writer, std::string path)
    : writer_(writer), path_(std::move(path)) {
  sqlite3_wal_hook(writer_, &Checkpointer::on_commit, this);
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  idle_or_due_.notify_all();
  if (thread_.joinable()) thread_.join();
  sqlite3_wal_autocheckpoint(writer_, kPages);
}

// After each commit, on the writer's thread, with the WAL's size in pages.
int Checkpointer::on_commit(void* arg, sqlite3* db, const char* name, int pages) {
  auto* self = static_cast<Checkpointer*>(arg);
  if (pages < self->woken_at_) self->woken_at_ = 0;  // the WAL started over
  if (pages >= kMaxPages) {
    self->checkpoint_here(db, name);
    return SQLITE_OK;
  }
  // A checkpoint per kPages written: a checkpoint's cost is mostly its two syncs.
  if (pages - self->woken_at_ < kPages) return SQLITE_OK;
  self->woken_at_ = pages;
  std::lock_guard<std::mutex> lock(self->mutex_);
  self->due_ = true;
  if (!self->thread_.joinable()) {
    try {
      self->thread_ = std::thread([self] { self->run(); });
    } catch (const std::system_error&) {
      self->due_ = false;  // no thread to be had: checkpoint here, as SQLite would have
      sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      return SQLITE_OK;
    }
  }
  self->idle_or_due_.notify_all();
  return SQLITE_OK;
}

// The writer's own checkpoint, once the thread's is over and before it starts another: two
// checkpoints cannot run at once, and a busy one would leave the WAL growing.
void Checkpointer::checkpoint_here(sqlite3* db, const char* name) {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    writer_checkpoints_ = true;
    idle_or_due_.wait(lock, [this] { return !running_; });
    due_ = false;
  }
  sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  std::lock_guard<std::mutex> lock(mutex_);
  writer_checkpoints_ = false;
}

void Checkpointer::run() {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path_.c_str(), &db, flags, nullptr) == SQLITE_OK) {
    // As the writer's: the WAL is synced before a checkpoint, the database file after it.
    sqlite3_exec(db, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
  } else {
    sqlite3_close(db);
    db = nullptr;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    idle_or_due_.wait(lock, [this] { return (due_ && !writer_checkpoints_) || stop_; });
    if (stop_) break;
    due_ = false;
    running_ = true;
    lock.unlock();
    // Without a connection the writer's own checkpoints at kMaxPages keep the WAL bounded.
    if (db) sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
    running_ = false;
    idle_or_due_.notify_all();
  }
  lock.unlock();
  sqlite3_close(db);
}

}  // namespace liaison::storage
