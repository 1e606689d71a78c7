// The C API of CBastionRegex.h over RE2's C++ API.
#include "CBastionRegex.h"

#include <re2/re2.h>

#include <cstring>
#include <new>
#include <string>

struct cbastion_regex {
    re2::RE2 re;
    cbastion_regex(const re2::StringPiece &pattern, const re2::RE2::Options &options) : re(pattern, options) {}
};

static void set_message(char *message, size_t capacity, const std::string &text) {
    if (message == nullptr || capacity == 0) return;
    size_t count = text.size() < capacity - 1 ? text.size() : capacity - 1;
    std::memcpy(message, text.data(), count);
    message[count] = 0;
}

static int code_of(re2::RE2::ErrorCode code) {
    switch (code) {
    case re2::RE2::NoError: return CBASTION_REGEX_OK;
    case re2::RE2::ErrorRepeatSize: return CBASTION_REGEX_REPEAT_SIZE;
    case re2::RE2::ErrorPatternTooLarge: return CBASTION_REGEX_TOO_LARGE;
    default: return CBASTION_REGEX_SYNTAX;
    }
}

extern "C" cbastion_regex *cbastion_regex_compile(
    const char *pattern, size_t length, cbastion_regex_options options, int *code, char *message, size_t capacity) {
    re2::RE2::Options settings;
    // egrep: POSIX syntax, leftmost-longest; \b and \B allowed (the pattern's \w, \s, \d were
    // already rewritten as bracket expressions).
    settings.set_posix_syntax(true);
    settings.set_longest_match(true);
    settings.set_word_boundary(true);
    settings.set_perl_classes(false);
    // Lines: ^ and $ at every line boundary, and nothing ever matches '\n' (not `.`, not [^a],
    // not a literal newline in the pattern), so a match in a block of lines stays on one line.
    settings.set_one_line(false);
    settings.set_never_nl(true);
    settings.set_dot_nl(false);
    // Only "does it match, and where": no capture groups, no logging to stderr (the server's log).
    settings.set_never_capture(true);
    settings.set_log_errors(false);
    settings.set_case_sensitive(options.case_sensitive != 0);
    settings.set_encoding(options.latin1 ? re2::RE2::Options::EncodingLatin1 : re2::RE2::Options::EncodingUTF8);
    settings.set_max_mem(options.max_memory);
    cbastion_regex *regex = nullptr;
    try {
        regex = new cbastion_regex(re2::StringPiece(pattern, length), settings);
    } catch (...) {
        *code = CBASTION_REGEX_NO_MEMORY;
        set_message(message, capacity, "out of memory");
        return nullptr;
    }
    if (!regex->re.ok()) {
        *code = code_of(regex->re.error_code());
        set_message(message, capacity, regex->re.error());
        delete regex;
        return nullptr;
    }
    *code = CBASTION_REGEX_OK;
    return regex;
}

extern "C" void cbastion_regex_free(cbastion_regex *regex) { delete regex; }

extern "C" int cbastion_regex_program_size(const cbastion_regex *regex) { return regex->re.ProgramSize(); }

extern "C" int cbastion_regex_reverse_program_size(const cbastion_regex *regex) {
    try {
        return regex->re.ReverseProgramSize();
    } catch (...) {
        return -1;
    }
}

extern "C" int cbastion_regex_matches(const cbastion_regex *regex, const uint8_t *text, size_t length) {
    re2::StringPiece piece(reinterpret_cast<const char *>(text), length);
    try {
        return regex->re.Match(piece, 0, length, re2::RE2::UNANCHORED, nullptr, 0) ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

extern "C" int cbastion_regex_find(
    const cbastion_regex *regex, const uint8_t *text, size_t length, size_t *start, size_t *end) {
    re2::StringPiece piece(reinterpret_cast<const char *>(text), length);
    re2::StringPiece match;
    try {
        if (!regex->re.Match(piece, 0, length, re2::RE2::UNANCHORED, &match, 1)) return 0;
    } catch (...) {
        return 0;
    }
    *start = static_cast<size_t>(match.data() - piece.data());
    *end = *start + match.size();
    return 1;
}

extern "C" int cbastion_utf8_is_valid(const uint8_t *text, size_t length) {
    size_t i = 0;
    while (i < length) {
        // ASCII runs, eight bytes at a time.
        while (i + 8 <= length) {
            uint64_t word;
            std::memcpy(&word, text + i, 8);
            if (word & 0x8080808080808080ULL) break;
            i += 8;
        }
        if (i >= length) break;
        uint8_t lead = text[i];
        if (lead < 0x80) {
            i += 1;
            continue;
        }
        size_t count;
        uint8_t low = 0x80, high = 0xBF;  // the allowed range of the second byte (RFC 3629 §4)
        if (lead >= 0xC2 && lead <= 0xDF) {
            count = 2;
        } else if (lead == 0xE0) {
            count = 3, low = 0xA0;
        } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
            count = 3;
        } else if (lead == 0xED) {
            count = 3, high = 0x9F;
        } else if (lead == 0xF0) {
            count = 4, low = 0x90;
        } else if (lead >= 0xF1 && lead <= 0xF3) {
            count = 4;
        } else if (lead == 0xF4) {
            count = 4, high = 0x8F;
        } else {
            return 0;
        }
        if (i + count > length) return 0;
        if (text[i + 1] < low || text[i + 1] > high) return 0;
        for (size_t k = 2; k < count; k++) {
            if (text[i + k] < 0x80 || text[i + k] > 0xBF) return 0;
        }
        i += count;
    }
    return 1;
}
