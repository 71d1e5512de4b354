#pragma once
/// \file demo_data.h
/// The built-in demo grid a new user sees on first start: generated once in the background by the
/// simulator (rs::writeDemoData) into the application's data folder, then opened.

#include <QObject>
#include <QString>

namespace rs::ui {

class JobRunner;

class DemoData : public QObject {
    Q_OBJECT

public:
    explicit DemoData(QObject* parent = nullptr);

    /// <AppDataLocation>/demo.
    static QString defaultFolder();
    /// Whether a complete demo grid exists in `folder`.
    static bool exists(const QString& folder);

    /// Emits ready(folder) at once when the grid exists, else generates it in the background.
    void ensure(const QString& folder);
    JobRunner* job() const { return m_job; }

Q_SIGNALS:
    void ready(const QString& folder);
    void failed(const QString& message);

private:
    JobRunner* m_job = nullptr;
};

} // namespace rs::ui
