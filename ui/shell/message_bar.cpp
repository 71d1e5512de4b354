#include "shell/message_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace rs::ui {

MessageBar::MessageBar(QWidget* parent)
    : QFrame(parent)
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(8, 4, 4, 4);
    auto* row = new QHBoxLayout;
    m_icon = new QLabel(this);
    row->addWidget(m_icon);
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    row->addWidget(m_text, 1);
    m_detailsButton = new QToolButton(this);
    m_detailsButton->setText(tr("Details"));
    m_detailsButton->setCheckable(true);
    m_detailsButton->setAutoRaise(true);
    row->addWidget(m_detailsButton);
    m_close = new QToolButton(this);
    m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_close->setToolTip(tr("Dismiss"));
    m_close->setAutoRaise(true);
    row->addWidget(m_close);
    outer->addLayout(row);
    m_details = new QPlainTextEdit(this);
    m_details->setReadOnly(true);
    m_details->setMaximumHeight(120);
    m_details->setVisible(false);
    outer->addWidget(m_details);

    connect(m_detailsButton, &QToolButton::toggled, m_details, &QWidget::setVisible);
    connect(m_close, &QToolButton::clicked, this, &QWidget::hide);
    hide();
}

void MessageBar::showMessage(const QString& message, const QString& details, Level level)
{
    const bool error = level == Level::Error;
    QPalette pal = palette();
    pal.setColor(QPalette::Window, error ? QColor(0xf8, 0xd7, 0xda) : QColor(0xd9, 0xe8, 0xfb));
    pal.setColor(QPalette::WindowText, QColor(0x20, 0x20, 0x20));
    setPalette(pal);
    m_icon->setPixmap(
        style()->standardIcon(error ? QStyle::SP_MessageBoxWarning : QStyle::SP_MessageBoxInformation).pixmap(20, 20));
    m_text->setText(message);
    m_details->setPlainText(details);
    const bool hasDetails = !details.isEmpty() && details != message;
    m_detailsButton->setVisible(hasDetails);
    m_detailsButton->setChecked(false);
    m_details->setVisible(false);
    show();
}

QString MessageBar::message() const
{
    return m_text->text();
}

QString MessageBar::details() const
{
    return m_details->toPlainText();
}

} // namespace rs::ui
