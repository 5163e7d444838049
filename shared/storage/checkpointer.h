// WAL checkpoints off the thread that writes (internal to shared/storage; see
// Db::checkpoint_in_background). SQLite copies the WAL back into the database file after a
// commit that leaves it over 1,000 pages, on the committing thread: for a server applying
// batch after batch that was a third of its database thread's time. Here the writer's
// connection only signals; a thread with a connection of its own to the same file does the
// copying while the writer goes on.
//
// A checkpoint that runs while the writer appends cannot restart the WAL, so a writer that
// never pauses makes it grow: past kMaxPages the writer checkpoints after its commit itself,
// as SQLite would have, copying only what the thread has not copied yet. The WAL stays bounded
// and what a checkpoint guarantees is unchanged (a passive checkpoint, as SQLite's own).
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace liaison::storage {

class Checkpointer {
 public:
  static constexpr int kPages = 1000;      // SQLite's automatic checkpoint point
  static constexpr int kMaxPages = 8000;   // 32 MiB of 4 KiB pages

  // Takes over the checkpoints of writer, a connection to path in WAL mode. The thread starts
  // at the first checkpoint due.
  Checkpointer(sqlite3* writer, std::string path);
  // Waits for a checkpoint under way and gives writer its automatic checkpoints back.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

 private:
  static int on_commit(void* self, sqlite3* db, const char* name, int pages);
  void checkpoint_here(sqlite3* db, const char* name);
  void run();

  sqlite3* writer_;
  const std::string path_;
  int woken_at_ = 0;  // the WAL's size when the thread was last woken (writer's thread only)
  std::mutex mutex_;
  std::condition_variable idle_or_due_;
  bool due_ = false;                 // a checkpoint is due
  bool running_ = false;             // the thread is checkpointing
  bool writer_checkpoints_ = false;  // the writer is checkpointing: the thread waits
  bool stop_ = false;
  std::thread thread_;  // started by the first checkpoint due
};

}  // namespace liaison::storage
