#include "shell/recent_files.h"

#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace rs::ui {

namespace {
const char* kKey = "recent/entries";
} // namespace

RecentFiles::RecentFiles(QObject* parent)
    : QObject(parent)
{
    const QSettings settings;
    for (const QVariant& v : settings.value(QLatin1String(kKey)).toList()) {
        const QStringList paths = v.toStringList();
        if (!paths.isEmpty())
            m_entries.append(paths);
    }
}

void RecentFiles::add(const QStringList& paths)
{
    if (paths.isEmpty())
        return;
    QStringList abs;
    for (const QString& p : paths)
        abs << QFileInfo(p).absoluteFilePath();
    m_entries.removeAll(abs);
    m_entries.prepend(abs);
    while (m_entries.size() > kMaxEntries)
        m_entries.removeLast();
    save();
    Q_EMIT changed();
}

void RecentFiles::clear()
{
    m_entries.clear();
    save();
    Q_EMIT changed();
}

void RecentFiles::save() const
{
    QVariantList list;
    for (const QStringList& e : m_entries)
        list.append(e);
    QSettings settings;
    settings.setValue(QLatin1String(kKey), list);
}

void RecentFiles::fillMenu(QMenu* menu)
{
    menu->clear();
    int n = 0;
    for (const QStringList& e : m_entries) {
        QString text = QDir::toNativeSeparators(e.front());
        if (e.size() > 1)
            text += tr(" (+%n more)", nullptr, int(e.size() - 1));
        QAction* a = menu->addAction(QStringLiteral("&%1  %2").arg(++n % 10).arg(text));
        a->setToolTip(e.join(QLatin1Char('\n')));
        connect(a, &QAction::triggered, this, [this, e] { Q_EMIT openRequested(e); });
    }
    if (m_entries.isEmpty())
        menu->addAction(tr("(none)"))->setEnabled(false);
    menu->addSeparator();
    QAction* clearAction = menu->addAction(tr("Clear list"));
    clearAction->setEnabled(!m_entries.isEmpty());
    connect(clearAction, &QAction::triggered, this, &RecentFiles::clear);
}

} // namespace rs::ui
