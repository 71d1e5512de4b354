#pragma once
/// \file error.h
/// The one exception hierarchy of ReionScope's core. Every message names what failed and why
/// ("<file>: <problem>"), so the CLI can print it as one line and the GUI can show it verbatim.

#include <stdexcept>
#include <string>

namespace rs {

/// Base of every exception thrown by core.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message)
        : std::runtime_error(message)
    { }
};

/// A failure tied to one file or folder; the message reads "<path>: <problem>".
class FileError : public Error {
public:
    FileError(const std::string& path, const std::string& problem)
        : Error(path + ": " + problem)
        , m_path(path)
    { }
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

/// A file or folder could not be opened, read or written (missing, permissions, disk full).
class IoError : public FileError {
public:
    using FileError::FileError;
};

/// A file was read but its content is not what its format promises (size, header, dataset).
class FormatError : public FileError {
public:
    using FileError::FileError;
};

/// A file that is not in any format ReionScope reads (an unrelated file, not a damaged one).
class UnrecognisedFormatError : public FormatError {
public:
    using FormatError::FormatError;
};

/// A parameter given by a user or caller is outside its allowed range or unknown.
class ParameterError : public Error {
public:
    ParameterError(const std::string& parameter, const std::string& problem);
    const std::string& parameter() const { return m_parameter; }

private:
    std::string m_parameter;
};

/// Work was stopped through a StopToken before it finished. Nothing partial was saved.
class CancelledError : public Error {
public:
    CancelledError()
        : Error("cancelled")
    { }
};

} // namespace rs
