#pragma once
// How MediaMTX turns a runOn* string into a running program (internal/externalcmd of v1.20.1, Linux;
// mediamtx-contract.md §2): the string is split like github.com/kballard/go-shellquote's Split (no
// shell), every word goes through Go's os.Expand, and argv[0] without a '/' is looked up in
// MediaMTX's $PATH like Go's exec.LookPath, relative entries against MediaMTX's working directory.
// `hook-server doctor` checks generated hook commands with these rules; the tests' MediaMTX stand-in
// launches hooks with them.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace hs {

// Splits a runOn* command like go-shellquote's Split (the version MediaMTX pins, 95032a82):
// words are separated by space, tab or newline (not \r, \v or \f); single quotes keep everything
// literally; inside double quotes a backslash escapes only $ ` " \ and newline (and is otherwise
// kept); outside quotes a backslash escapes any character; backslash-newline vanishes everywhere.
// An empty quoted word ('' or "") is kept as an empty argument.
// Throws BadInput with go-shellquote's own text and the quoted command, e.g.
//   Unterminated single-quoted string in command "echo 'abc"
// (also "Unterminated double-quoted string", "Unterminated backslash-escape").
std::vector<std::string> shellquote_split(std::string_view command);

// Go's os.Expand (Go 1.25) applied to one argument. Exactly:
//   $NAME    NAME = longest run of [A-Za-z0-9_]                   -> lookup(NAME)
//   $c       c one of * # $ @ ! ? - 0..9 (one char only: $12 = lookup("1") + "2") -> lookup("c")
//   ${c}     c one of the special chars above                      -> lookup("c")
//   ${...}   anything up to the first '}' is the name, even "a b"   -> lookup("a b")
//   ${}      invalid: the three characters are dropped
//   ${abc    no closing brace: "${" is dropped, "abc" stays
//   $ + any other char (e.g. "$(", "$.", "$ ", non-ASCII): the '$' stays and so does the char
//   $ as the very last character stays.
// lookup returning nullopt counts as "" (MediaMTX's mapping never distinguishes the two).
std::string go_expand(std::string_view arg, const std::function<std::optional<std::string>(std::string_view)>& lookup);

// A hook that cannot be started, with Go's exec error text, e.g.
//   exec: "no-such-hook": executable file not found in $PATH
//   fork/exec /opt/hook: no such file or directory
// MediaMTX logs these for long-running hooks and silently drops them for one-shot hooks.
struct HookStartError : Error {
  using Error::Error;
};

// Go's text for an errno from a start (syscall.Errno): strerror's with a lower-case first letter,
// e.g. "no such file or directory", "permission denied".
std::string go_errno_text(int err);

// The program MediaMTX would exec for argv[0] `name`, as a path to open from this process:
// a name with a '/' is taken as it is (relative to `working_dir`); a bare name is looked up in
// `path_var` (MediaMTX's $PATH) like Go's exec.LookPath: an empty entry means ".", a candidate must
// be a non-directory the effective ids may execute, and a match through a relative entry is refused
// (Go's ErrDot). Throws HookStartError with Go's text when MediaMTX's start would fail:
//   exec: no command
//   exec: "x": executable file not found in $PATH
//   exec: "x": cannot run executable found relative to current directory
//   fork/exec /opt/hook: no such file or directory        (also: permission denied, for a directory
//                                                          or a file without an execute bit)
// `as_written` receives the name MediaMTX would pass to execve (the resolved path for bare names).
std::filesystem::path resolve_hook_program(const std::string& name, std::string_view path_var,
                                           const std::filesystem::path& working_dir,
                                           std::string* as_written = nullptr);

}  // namespace hs
