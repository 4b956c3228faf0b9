// MediaMTX's hook launch rules (go-shellquote's Split, os.Expand, exec.LookPath), reproduced
// exactly so that a hook command can be checked the way MediaMTX will run it.
#include "mediamtx/hook_exec.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hs {

namespace {

bool is_split_char(char c) { return c == ' ' || c == '\n' || c == '\t'; }

bool is_double_escapable(char c) {
  return c == '$' || c == '`' || c == '"' || c == '\n' || c == '\\';
}

// Go's os.isShellSpecialVar.
bool is_shell_special(char c) {
  return std::strchr("*#$@!?-0123456789", c) != nullptr && c != '\0';
}

bool is_alnum_underscore(char c) {
  return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Go's os.getShellName: the name after a '$' and how many bytes it took. An empty name with a
// non-zero width is invalid syntax whose bytes are dropped; empty with width 0 keeps the '$'.
std::pair<std::string_view, size_t> shell_name(std::string_view s) {
  if (s[0] == '{') {
    if (s.size() > 2 && is_shell_special(s[1]) && s[2] == '}') return {s.substr(1, 1), 3};
    for (size_t i = 1; i < s.size(); ++i) {
      if (s[i] == '}') {
        if (i == 1) return {{}, 2};  // "${}"
        return {s.substr(1, i - 1), i + 1};
      }
    }
    return {{}, 1};  // "${" without '}'
  }
  if (is_shell_special(s[0])) return {s.substr(0, 1), 1};
  size_t i = 0;
  while (i < s.size() && is_alnum_underscore(s[i])) ++i;
  return {s.substr(0, i), i};
}

}  // namespace

std::vector<std::string> shellquote_split(std::string_view command) {
  auto fail = [&](const char* what) {
    throw BadInput(fmt::format("{} in command {}", what, quote(command)));
  };
  const std::string_view s = command;
  const size_t n = s.size();
  std::vector<std::string> words;
  size_t i = 0;
  while (i < n) {
    if (is_split_char(s[i])) {
      ++i;
      continue;
    }
    if (s[i] == '\\') {
      if (i + 1 == n) fail("Unterminated backslash-escape");
      if (s[i + 1] == '\n') {  // a line continuation between words
        i += 2;
        continue;
      }
    }
    std::string word;
    while (i < n) {
      const char c = s[i];
      if (is_split_char(c)) {
        ++i;
        break;
      }
      if (c == '\'') {
        size_t close = s.find('\'', i + 1);
        if (close == std::string_view::npos) fail("Unterminated single-quoted string");
        word.append(s.substr(i + 1, close - i - 1));
        i = close + 1;
      } else if (c == '"') {
        ++i;
        for (;;) {
          if (i == n) fail("Unterminated double-quoted string");
          if (s[i] == '"') {
            ++i;
            break;
          }
          if (s[i] == '\\' && i + 1 < n && is_double_escapable(s[i + 1])) {
            if (s[i + 1] != '\n') word += s[i + 1];
            i += 2;
          } else {
            word += s[i++];  // includes a backslash before any other character
          }
        }
      } else if (c == '\\') {
        if (i + 1 == n) fail("Unterminated backslash-escape");
        if (s[i + 1] != '\n') word += s[i + 1];
        i += 2;
      } else {
        word += c;
        ++i;
      }
    }
    words.push_back(std::move(word));
  }
  return words;
}

std::string go_expand(std::string_view arg, const std::function<std::optional<std::string>(std::string_view)>& lookup) {
  std::string out;
  size_t literal_from = 0;
  for (size_t j = 0; j < arg.size(); ++j) {
    if (arg[j] != '$' || j + 1 >= arg.size()) continue;
    out.append(arg.substr(literal_from, j - literal_from));
    auto [name, width] = shell_name(arg.substr(j + 1));
    if (name.empty() && width > 0) {
      // invalid syntax ("${}" or an unclosed "${"): drop it
    } else if (name.empty()) {
      out += '$';  // '$' not followed by a name stays
    } else {
      out += lookup(name).value_or("");
    }
    j += width;
    literal_from = j + 1;
  }
  out.append(arg.substr(std::min(literal_from, arg.size())));
  return out;
}

std::string go_errno_text(int err) {
  std::string text = std::strerror(err);
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
  return text;
}

namespace {

// What execve(2) would say of `file`, as Go words it, or "" when it would start.
std::string exec_problem(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return go_errno_text(errno);
  if (S_ISDIR(st.st_mode) || ::faccessat(AT_FDCWD, file.c_str(), X_OK, AT_EACCESS) != 0) return go_errno_text(EACCES);
  return "";
}

}  // namespace

std::filesystem::path resolve_hook_program(const std::string& name, std::string_view path_var,
                                           const std::filesystem::path& working_dir, std::string* as_written) {
  namespace fs = std::filesystem;
  if (name.empty()) throw HookStartError("exec: no command");
  auto on_disk = [&](const fs::path& p) { return (p.is_absolute() ? p : working_dir / p).lexically_normal(); };
  if (name.find('/') != std::string::npos) {
    // exec.Command takes it as it is; the kernel resolves it in MediaMTX's working directory.
    if (auto problem = exec_problem(on_disk(name)); !problem.empty())
      throw HookStartError(fmt::format("fork/exec {}: {}", name, problem));
    if (as_written) *as_written = name;
    return on_disk(name);
  }
  size_t from = 0;
  while (!path_var.empty() && from <= path_var.size()) {
    size_t colon = path_var.find(':', from);
    if (colon == std::string_view::npos) colon = path_var.size();
    // An empty entry means the working directory.
    const fs::path dir = colon == from ? fs::path(".") : fs::path(path_var.substr(from, colon - from));
    from = colon + 1;
    const fs::path candidate = (dir / name).lexically_normal();
    struct stat st {};
    if (::stat(on_disk(candidate).c_str(), &st) != 0 || S_ISDIR(st.st_mode)) continue;
    if (::faccessat(AT_FDCWD, on_disk(candidate).c_str(), X_OK, AT_EACCESS) != 0) continue;
    if (!candidate.is_absolute())
      throw HookStartError(fmt::format("exec: \"{}\": cannot run executable found relative to current directory", name));
    if (as_written) *as_written = candidate.string();
    return candidate;
  }
  throw HookStartError(fmt::format("exec: \"{}\": executable file not found in $PATH", name));
}

}  // namespace hs
