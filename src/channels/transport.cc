#include "channels/transport.h"

namespace squeaky {

std::string_view to_string(SendResult::Kind kind) {
  switch (kind) {
    case SendResult::Kind::kSent: return "sent";
    case SendResult::Kind::kTemporary: return "temporary";
    case SendResult::Kind::kPermanent: return "permanent";
    case SendResult::Kind::kUnknown: return "unknown";
  }
  return "unknown";
}

std::string_view to_string(SmtpTls tls) {
  switch (tls) {
    case SmtpTls::kNone: return "none";
    case SmtpTls::kStartTls: return "starttls";
    case SmtpTls::kStartTlsIfOffered: return "starttls-optional";
    case SmtpTls::kTls: return "tls";
  }
  return "none";
}

int SmtpSettings::effective_port() const {
  if (port != 0) return port;
  switch (tls) {
    case SmtpTls::kTls: return 465;
    case SmtpTls::kStartTls:
    case SmtpTls::kStartTlsIfOffered: return 587;
    case SmtpTls::kNone: return 25;
  }
  return 25;
}

}  // namespace squeaky
