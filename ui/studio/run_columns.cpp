#include "studio/run_columns.h"

#include "studio/runs_model.h"

#include <QCollator>

#include <cmath>

namespace rs::ui {

namespace {

QVariant number(double v)
{
    return std::isfinite(v) ? QVariant(v) : QVariant();
}

double testMetric(const rs::ml::EvalMetrics& m)
{
    switch (m.task) {
    case rs::ml::Task::Classify:
        return m.accuracy;
    case rs::ml::Task::Regress:
        return m.r2;
    case rs::ml::Task::Reconstruct:
        return m.relativeMse;
    case rs::ml::Task::Translate:
        return m.translation.pixelAccuracy;
    case rs::ml::Task::Generate:
        return m.generation.powerRatioMedian;
    }
    return NAN;
}

} // namespace

QStringList runResultKeys()
{
    return {QStringLiteral("sweep"), QStringLiteral("tags"), QStringLiteral("status"),
        QStringLiteral("result.best_val"), QStringLiteral("result.best_loss"), QStringLiteral("result.best_epoch"),
        QStringLiteral("result.last_val"), QStringLiteral("result.test")};
}

QString runKeyTitle(const QString& key)
{
    if (key == QLatin1String("result.best_val"))
        return QObject::tr("best val. metric");
    if (key == QLatin1String("result.best_loss"))
        return QObject::tr("best val. loss");
    if (key == QLatin1String("result.best_epoch"))
        return QObject::tr("best epoch");
    if (key == QLatin1String("result.last_val"))
        return QObject::tr("last val. metric");
    if (key == QLatin1String("result.test"))
        return QObject::tr("test metric");
    if (key.startsWith(QLatin1String("sweep.settings.")))
        return key.mid(15);
    return key;
}

QVariant runValue(const RunEntry& e, qint64 nowMs, const QString& key)
{
    if (key == QLatin1String("sweep"))
        return e.config.sweep.name.empty() ? QVariant() : QVariant(QString::fromStdString(e.config.sweep.name));
    if (key == QLatin1String("tags")) {
        QStringList t;
        for (const std::string& s : e.meta.tags)
            t << QString::fromStdString(s);
        return t.isEmpty() ? QVariant() : QVariant(t.join(QStringLiteral(", ")));
    }
    if (key == QLatin1String("status"))
        return e.statusText(nowMs);
    if (key == QLatin1String("result.best_val"))
        return e.bestEpoch > 0 ? number(e.bestValMetric) : QVariant();
    if (key == QLatin1String("result.best_loss"))
        return e.bestEpoch > 0 ? number(e.bestValLoss) : QVariant();
    if (key == QLatin1String("result.best_epoch"))
        return e.bestEpoch > 0 ? QVariant(double(e.bestEpoch)) : QVariant();
    if (key == QLatin1String("result.last_val"))
        return e.lastEpoch > 0 ? number(e.lastValMetric) : QVariant();
    if (key == QLatin1String("result.test"))
        return e.metrics ? number(testMetric(*e.metrics)) : QVariant();
    for (const auto& [k, v] : e.flatConfig)
        if (k == key) {
            bool ok = false;
            const double d = v.toDouble(&ok);
            return ok ? QVariant(d) : QVariant(v);
        }
    return {};
}

QString runValueText(const QVariant& v)
{
    if (!v.isValid())
        return QStringLiteral("–");
    if (v.typeId() == QMetaType::Double)
        return QString::number(v.toDouble(), 'g', 4);
    return v.toString();
}

bool runValueLess(const QVariant& a, const QVariant& b)
{
    if (!a.isValid() || !b.isValid())
        return a.isValid() && !b.isValid();
    const bool an = a.typeId() == QMetaType::Double, bn = b.typeId() == QMetaType::Double;
    if (an != bn)
        return an;
    if (an)
        return a.toDouble() < b.toDouble();
    static const QCollator collator = [] {
        QCollator c;
        c.setNumericMode(true);
        c.setCaseSensitivity(Qt::CaseInsensitive);
        return c;
    }();
    return collator.compare(a.toString(), b.toString()) < 0;
}

QString runSearchText(const RunEntry& e)
{
    QStringList parts {
        e.name, e.folderName, QString::fromStdString(e.meta.notes), QString::fromStdString(e.config.sweep.name)};
    for (const std::string& t : e.meta.tags)
        parts << QString::fromStdString(t);
    for (const auto& [k, v] : e.flatConfig)
        parts << k + QLatin1Char('=') + v;
    return parts.join(QLatin1Char('\n')).toLower();
}

} // namespace rs::ui
