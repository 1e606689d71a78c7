#ifndef CBASTION_REGEX_H
#define CBASTION_REGEX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A C API over RE2 (https://github.com/google/re2), the automaton-based matcher that
/// `search_content` uses: Swift cannot call RE2's C++ API directly. Nothing here throws or aborts;
/// every failure is a return value.

/// An RE2 program compiled for searching text made of lines.
typedef struct cbastion_regex cbastion_regex;

/// Why a compilation failed.
enum {
    CBASTION_REGEX_OK = 0,
    /// The pattern is not valid RE2 POSIX syntax (the message says where).
    CBASTION_REGEX_SYNTAX = 1,
    /// A counted repetition is above RE2's limit of 1000, or nested repetitions multiply beyond it.
    CBASTION_REGEX_REPEAT_SIZE = 2,
    /// The compiled program (forward or reverse) does not fit in the memory budget.
    CBASTION_REGEX_TOO_LARGE = 3,
    /// Memory could not be allocated.
    CBASTION_REGEX_NO_MEMORY = 4,
};

/// How to compile.
typedef struct {
    /// 0 to fold case.
    int case_sensitive;
    /// 1: the text and the pattern are Latin-1 (one byte, one character); 0: UTF-8.
    int latin1;
    /// Bytes RE2 may use for the program and its DFA caches (RE2::Options::max_mem).
    int64_t max_memory;
} cbastion_regex_options;

/// Compiles `pattern` (`length` bytes) with egrep semantics: POSIX syntax, leftmost-longest
/// matching, no captures, `^`/`$` at line boundaries, and no part of the pattern ever matching a
/// newline, so a match found in a block of lines lies within one line.
/// Returns NULL on failure and sets `*code` and, in at most `capacity` bytes (NUL-terminated), a message.
cbastion_regex *cbastion_regex_compile(
    const char *pattern, size_t length, cbastion_regex_options options, int *code, char *message, size_t capacity);

/// Frees a compiled expression (NULL is ignored).
void cbastion_regex_free(cbastion_regex *regex);

/// The number of instructions of the forward program.
int cbastion_regex_program_size(const cbastion_regex *regex);

/// Compiles the reverse program (used to find where a match starts) if it was not yet, and returns
/// its size; -1 if it does not fit in the memory budget.
int cbastion_regex_reverse_program_size(const cbastion_regex *regex);

/// Whether the expression matches somewhere in `text`. Thread-safe.
int cbastion_regex_matches(const cbastion_regex *regex, const uint8_t *text, size_t length);

/// Finds the leftmost match in `text`; returns 1 and its bounds (byte offsets), or 0. Thread-safe.
int cbastion_regex_find(const cbastion_regex *regex, const uint8_t *text, size_t length, size_t *start, size_t *end);

/// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or values above U+10FFFF).
int cbastion_utf8_is_valid(const uint8_t *text, size_t length);

#ifdef __cplusplus
}
#endif

#endif
