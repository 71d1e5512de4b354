#pragma once
/// \file recent_files.h
/// The recently opened paths (each entry one file, folder or set opened together), kept in
/// QSettings and shown as a menu.

#include <QObject>
#include <QStringList>

class QMenu;

namespace rs::ui {

class RecentFiles : public QObject {
    Q_OBJECT

public:
    static constexpr int kMaxEntries = 10;

    explicit RecentFiles(QObject* parent = nullptr);

    /// Puts `paths` first (removing an equal older entry) and saves.
    void add(const QStringList& paths);
    void clear();
    /// Newest first.
    QList<QStringList> entries() const { return m_entries; }
    /// Fills `menu` with one action per entry, and "Clear".
    void fillMenu(QMenu* menu);

Q_SIGNALS:
    void openRequested(const QStringList& paths);
    void changed();

private:
    void save() const;

    QList<QStringList> m_entries;
};

} // namespace rs::ui
