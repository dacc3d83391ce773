#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "channels/email.h"
#include "channels/transport.h"
#include "testing.h"

namespace squeaky {
namespace {

namespace fs = std::filesystem;
using Kind = SendResult::Kind;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string message_bytes(std::string_view id, std::string_view body) {
  EmailMessage m;
  m.from = {"Acme", "billing@acme.example"};
  m.to = {{"", "bob@customer.example"}};
  m.subject = "Statement";
  m.date = *Timestamp::parse("2026-11-24T09:00:00Z");
  m.message_id = std::string(id);
  m.text_body = std::string(body);
  return *build_message(m);
}

TEST(FileTransportTest, WritesTheMessageUnderItsMessageId) {
  const fs::path dir = testing::scratch_dir("file_transport");
  FileTransport transport(dir);
  const std::string bytes = message_bytes("<action-123.2026-11-24@squeaky.example.com>", "hello\n");
  const SendResult r = transport.send({"billing@acme.example", {"bob@customer.example"}}, bytes);
  EXPECT_EQ(r.kind, Kind::kSent) << r.detail;
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"action-123.2026-11-24@squeaky.example.com.eml"});
  EXPECT_EQ(read_file(dir / "action-123.2026-11-24@squeaky.example.com.eml"), bytes);
  EXPECT_EQ(r.detail, (dir / "action-123.2026-11-24@squeaky.example.com.eml").string());
}

TEST(FileTransportTest, SameNameTwiceKeepsOneFile) {
  const fs::path dir = testing::scratch_dir("file_transport");
  FileTransport transport(dir);
  const std::string first = message_bytes("<action-7@squeaky.example.com>", "first\n");
  ASSERT_EQ(transport.send({}, first).kind, Kind::kSent);
  const SendResult again = transport.send({}, message_bytes("<action-7@squeaky.example.com>", "second\n"));
  EXPECT_EQ(again.kind, Kind::kSent);
  EXPECT_EQ(again.detail, "already written");
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"action-7@squeaky.example.com.eml"});
  EXPECT_EQ(read_file(dir / "action-7@squeaky.example.com.eml"), first);  // never replaced
}

TEST(FileTransportTest, ConcurrentWritersOfOneNameLeaveOneCompleteFile) {
  const fs::path dir = testing::scratch_dir("file_transport");
  FileTransport transport(dir);
  const std::string bytes(1 << 20, 'm');
  std::vector<SendResult> results(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = transport.write("statement", bytes); });
  }
  for (std::thread& t : threads) t.join();
  int written = 0;
  for (const SendResult& r : results) {
    EXPECT_EQ(r.kind, Kind::kSent) << r.detail;
    written += r.detail == "already written" ? 0 : 1;
  }
  EXPECT_GE(written, 1);
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"statement.eml"});  // no temporary file left behind
  EXPECT_EQ(read_file(dir / "statement.eml"), bytes);
}

TEST(FileTransportTest, NamesAreSanitizedWithoutCollisions) {
  EXPECT_EQ(FileTransport::file_name_for("<a/b@c>"), "a%2Fb@c.eml");
  EXPECT_EQ(FileTransport::file_name_for("a_b@c"), "a_b@c.eml");
  EXPECT_EQ(FileTransport::file_name_for("../etc/passwd"), "%2E.%2Fetc%2Fpasswd.eml");
  EXPECT_EQ(FileTransport::file_name_for("50%"), "50%25.eml");
  EXPECT_EQ(FileTransport::file_name_for("Ä"), "%C3%84.eml");
  const std::string long_name = FileTransport::file_name_for(std::string(300, 'x'));
  EXPECT_LE(long_name.size(), 204u);
  EXPECT_NE(long_name, FileTransport::file_name_for(std::string(301, 'x')));
}

TEST(FileTransportTest, MessageWithoutIdIsPermanent) {
  const fs::path dir = testing::scratch_dir("file_transport");
  FileTransport transport(dir);
  EXPECT_EQ(transport.send({}, "Subject: x\r\n\r\nbody\r\n").kind, Kind::kPermanent);
  EXPECT_TRUE(names_in(dir).empty());
}

TEST(FileTransportTest, MissingFolderIsTemporary) {
  const fs::path dir = testing::scratch_dir("file_transport") / "missing";
  FileTransport transport(dir);
  const SendResult r = transport.write("x", "bytes");
  EXPECT_EQ(r.kind, Kind::kTemporary);
  EXPECT_NE(r.detail.find("No such file or directory"), std::string::npos) << r.detail;
}

}  // namespace
}  // namespace squeaky
