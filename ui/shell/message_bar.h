#pragma once
/// \file message_bar.h
/// A closable banner at the top of the window for problems in plain words (a file that could not
/// be opened), with the per-file details behind a button. Non-modal: work goes on.

#include <QFrame>

class QLabel;
class QToolButton;
class QPlainTextEdit;

namespace rs::ui {

class MessageBar : public QFrame {
    Q_OBJECT

public:
    enum class Level { Information, Error };

    explicit MessageBar(QWidget* parent = nullptr);

    /// Shows a message (replacing the previous one); `details` may be empty.
    void showMessage(const QString& message, const QString& details = {}, Level level = Level::Error);
    QString message() const;
    QString details() const;

private:
    QLabel* m_icon = nullptr;
    QLabel* m_text = nullptr;
    QToolButton* m_detailsButton = nullptr;
    QToolButton* m_close = nullptr;
    QPlainTextEdit* m_details = nullptr;
};

} // namespace rs::ui
