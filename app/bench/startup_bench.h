#pragma once
#include <QJsonObject>
#include <QStringList>

/// Launch of the reionscope executable to its first rendered slice (it prints "first-slice"),
/// in a fresh home: the first start (demo data generated, then opened), later starts (demo
/// reopened from the recent list), and starts on `extraPaths` when given.
QJsonObject benchStartup(const QString& exe, int repeats, const QStringList& extraPaths);
