// MediaMTX's hook launch rules: go-shellquote splitting, os.Expand, and LookPath from MediaMTX's
// working directory with its $PATH, each with Go's own error texts.
#include "mediamtx/hook_exec.hpp"

#include "support/media.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

using namespace hs;
using hs::test::TempDir;
namespace fs = std::filesystem;

namespace {

void make_file(const fs::path& path, fs::perms perms) {
  std::ofstream(path) << "#!/bin/true\n";
  fs::permissions(path, perms);
}

}  // namespace

TEST_CASE("shellquote_split splits like go-shellquote", "[mediamtx]") {
  struct Case {
    std::string input;
    std::vector<std::string> words;
  };
  const std::vector<Case> cases = {
      {"", {}},
      {" \t\n ", {}},
      {"hook-server hook segment-complete", {"hook-server", "hook", "segment-complete"}},
      {"  a \t b\nc  ", {"a", "b", "c"}},
      {"a\rb\vc\fd", {"a\rb\vc\fd"}},  // only space, tab and newline separate
      {R"('single $HOME \ "x"')", {R"(single $HOME \ "x")"}},
      {R"("double \"q\" \$HOME \\ \` \a \'")", {R"(double "q" $HOME \ ` \a \')"}},
      {R"(a\ b \'c\' \\ \x)", {"a b", "'c'", "\\", "x"}},
      {"''", {""}},
      {R"(a '' b "")", {"a", "", "b", ""}},
      {R"(foo'bar'"baz"qux)", {"foobarbazqux"}},
      {R"(it"'"s)", {"it's"}},
      {"a\\\nb", {"ab"}},        // backslash-newline inside a word vanishes
      {"a \\\n b", {"a", "b"}},  // and between words
      {"\\\n", {}},
      {"\"a\\\nb\"", {"ab"}},  // also inside double quotes
      {"'a\\\nb'", {"a\\\nb"}},
      {"sh -c 'echo $1'", {"sh", "-c", "echo $1"}},
      {R"(/usr/bin/printf '%s\n' "$MTX_SEGMENT_PATH")", {"/usr/bin/printf", R"(%s\n)", "$MTX_SEGMENT_PATH"}},
      {"caf\xc3\xa9 \xff", {"caf\xc3\xa9", "\xff"}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.input);
    CHECK(shellquote_split(c.input) == c.words);
  }
}

TEST_CASE("shellquote_split rejects unterminated quotes and escapes", "[mediamtx]") {
  struct Case {
    std::string input;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"echo 'abc", R"(Unterminated single-quoted string in command "echo 'abc")"},
      {"echo 'it's'", R"(Unterminated single-quoted string in command "echo 'it's'")"},
      {"echo \"abc", R"(Unterminated double-quoted string in command "echo \"abc")"},
      {"echo \"abc\\", R"(Unterminated double-quoted string in command "echo \"abc\\")"},
      {"echo \"abc\\\"", R"(Unterminated double-quoted string in command "echo \"abc\\\"")"},
      {"echo abc\\", R"(Unterminated backslash-escape in command "echo abc\\")"},
      {"echo \\", R"(Unterminated backslash-escape in command "echo \\")"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.input);
    CHECK_THROWS_AS(shellquote_split(c.input), BadInput);
    CHECK_THROWS_WITH(shellquote_split(c.input), c.message);
  }
}

TEST_CASE("go_expand follows os.Expand, including its odd corners", "[mediamtx]") {
  // The lookup echoes the name it was asked for, so the table shows exactly which name os.Expand
  // extracted.
  auto echo = [](std::string_view name) -> std::optional<std::string> { return "[" + std::string(name) + "]"; };
  struct Case {
    std::string arg;
    std::string expanded;
  };
  const std::vector<Case> cases = {
      {"", ""},
      {"no dollars", "no dollars"},
      {"$A", "[A]"},
      {"${A}", "[A]"},
      {"pre${A}post", "pre[A]post"},
      {"$Apost", "[Apost]"},
      {"$A-b", "[A]-b"},
      {"$A.b", "[A].b"},
      {"$A$B", "[A][B]"},
      {"$MTX_SEGMENT_PATH", "[MTX_SEGMENT_PATH]"},
      {"$1", "[1]"},
      {"$12", "[1]2"},  // special names are one character long
      {"$0abc", "[0]abc"},
      {"$$", "[$]"},
      {"$$A", "[$]A"},
      {"$$$", "[$]$"},
      {"$?", "[?]"},
      {"$@", "[@]"},
      {"$*", "[*]"},
      {"$#", "[#]"},
      {"$!", "[!]"},
      {"$-", "[-]"},
      {"${1}", "[1]"},
      {"${10}", "[10]"},
      {"${@x}", "[@x]"},
      {"${a b}", "[a b]"},  // anything up to the first '}' is a name
      {"${A}}", "[A]}"},
      {"${}", ""},  // invalid: eaten
      {"x${}y", "xy"},
      {"${A", "A"},  // unclosed: "${" eaten
      {"x${", "x"},
      {"$", "$"},  // a final '$' stays
      {"a$", "a$"},
      {"$(date)", "$(date)"},  // '$' before a character that starts no name stays
      {"$ x", "$ x"},
      {"$.x", "$.x"},
      {"100$%", "100$%"},
      {"$\xc3\xa9", "$\xc3\xa9"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.arg);
    CHECK(go_expand(c.arg, echo) == c.expanded);
  }
}

TEST_CASE("go_expand replaces unknown names with nothing", "[mediamtx]") {
  const std::map<std::string, std::string> vars = {{"MTX_PATH", "cam1"}, {"EMPTY", ""}};
  auto lookup = [&](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  CHECK(go_expand("$MTX_PATH", lookup) == "cam1");
  CHECK(go_expand("/rec/${MTX_PATH}/x", lookup) == "/rec/cam1/x");
  CHECK(go_expand("a$UNKNOWN-b", lookup) == "a-b");
  CHECK(go_expand("${UNKNOWN}x", lookup) == "x");
  CHECK(go_expand("[$EMPTY]", lookup) == "[]");
  CHECK(go_expand("$1$?$$$@", lookup) == "");
}

TEST_CASE("resolve_hook_program finds programs the way MediaMTX's exec does", "[mediamtx]") {
  TempDir tmp;
  const fs::path wd = tmp.path();
  fs::create_directories(wd / "bin");
  fs::create_directories(wd / "dir.d");
  make_file(wd / "bin" / "hook", fs::perms::owner_all);
  make_file(wd / "bin" / "plain", fs::perms::owner_read | fs::perms::owner_write);
  const std::string abs_bin = (wd / "bin").string();
  std::string written;

  // Bare names go through $PATH; the first executable match wins; the name passed is the match.
  CHECK(resolve_hook_program("hook", "/nonexistent:" + abs_bin, wd, &written) == wd / "bin" / "hook");
  CHECK(written == abs_bin + "/hook");
  // Names with a '/' are taken as written, relative ones from MediaMTX's working directory.
  CHECK(resolve_hook_program("./bin/hook", "", wd, &written) == wd / "bin" / "hook");
  CHECK(written == "./bin/hook");
  CHECK(resolve_hook_program(abs_bin + "/hook", "", wd) == wd / "bin" / "hook");

  struct Case {
    std::string name, path_var, message;
  };
  const std::vector<Case> cases = {
      {"", abs_bin, "exec: no command"},
      {"plain", abs_bin, R"(exec: "plain": executable file not found in $PATH)"},
      {"hook", "", R"(exec: "hook": executable file not found in $PATH)"},
      {"hook", "bin", R"(exec: "hook": cannot run executable found relative to current directory)"},
      {"./missing", abs_bin, "fork/exec ./missing: no such file or directory"},
      {"bin/plain", abs_bin, "fork/exec bin/plain: permission denied"},
      {"./dir.d", abs_bin, "fork/exec ./dir.d: permission denied"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name, c.path_var);
    CHECK_THROWS_AS(resolve_hook_program(c.name, c.path_var, wd), HookStartError);
    CHECK_THROWS_WITH(resolve_hook_program(c.name, c.path_var, wd), c.message);
  }
}
