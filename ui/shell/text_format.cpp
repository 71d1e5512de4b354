#include "shell/text_format.h"

#include <cmath>

namespace rs::ui {

int quantityOrder(Quantity q)
{
    switch (q) {
    case Quantity::Density:
        return 0;
    case Quantity::NeutralFraction:
        return 1;
    case Quantity::BrightnessTemperature:
        return 2;
    case Quantity::SpinTemperature:
        return 3;
    case Quantity::KineticTemperature:
        return 4;
    case Quantity::ElectronFraction:
        return 5;
    case Quantity::Other:
        return 6;
    }
    return 6;
}

QString quantityHtml(Quantity q)
{
    switch (q) {
    case Quantity::Density:
        return QStringLiteral("δ");
    case Quantity::NeutralFraction:
        return QStringLiteral("x<sub>HI</sub>");
    case Quantity::BrightnessTemperature:
        return QStringLiteral("δT<sub>b</sub>");
    case Quantity::SpinTemperature:
        return QStringLiteral("T<sub>S</sub>");
    case Quantity::KineticTemperature:
        return QStringLiteral("T<sub>K</sub>");
    case Quantity::ElectronFraction:
        return QStringLiteral("x<sub>e</sub>");
    case Quantity::Other:
        return QStringLiteral("value");
    }
    return {};
}

QString quantityPlain(Quantity q)
{
    if (q == Quantity::Other)
        return QStringLiteral("value");
    return QString::fromUtf8(quantitySymbol(q).data(), qsizetype(quantitySymbol(q).size()));
}

QString quantityWords(Quantity q)
{
    switch (q) {
    case Quantity::Density:
        return QStringLiteral("density contrast");
    case Quantity::NeutralFraction:
        return QStringLiteral("neutral fraction");
    case Quantity::BrightnessTemperature:
        return QStringLiteral("brightness temperature");
    case Quantity::SpinTemperature:
        return QStringLiteral("spin temperature");
    case Quantity::KineticTemperature:
        return QStringLiteral("kinetic temperature");
    case Quantity::ElectronFraction:
        return QStringLiteral("electron fraction");
    case Quantity::Other:
        return QStringLiteral("other");
    }
    return {};
}

QString unitsText(Quantity q)
{
    return QString::fromUtf8(quantityUnits(q).data(), qsizetype(quantityUnits(q).size()));
}

QString quantityWithUnitsHtml(Quantity q)
{
    const QString u = unitsText(q);
    return u.isEmpty() ? quantityHtml(q) : quantityHtml(q) + QStringLiteral(" [") + u + QStringLiteral("]");
}

QString quantityWithUnitsPlain(Quantity q)
{
    const QString u = unitsText(q);
    return u.isEmpty() ? quantityPlain(q) : quantityPlain(q) + QStringLiteral(" [") + u + QStringLiteral("]");
}

QString formatNumber(double v, int digits)
{
    if (std::isnan(v))
        return QStringLiteral("–");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("∞") : QStringLiteral("−∞");
    if (v == 0)
        return QStringLiteral("0");
    return QString::number(v, 'g', digits);
}

QString formatValue(double v, Quantity q, int digits)
{
    const QString u = unitsText(q);
    const QString n = formatNumber(v, digits);
    return u.isEmpty() ? n : n + QLatin1Char(' ') + u;
}

QString redshiftText(std::optional<double> z)
{
    if (!z || !std::isfinite(*z))
        return QStringLiteral("z unknown");
    return QStringLiteral("z = %1").arg(*z, 0, 'f', 2);
}

QString targetHtml(rs::ml::Target t)
{
    switch (t) {
    case rs::ml::Target::Z:
        return QStringLiteral("z");
    case rs::ml::Target::Zeta:
        return QStringLiteral("ζ");
    case rs::ml::Target::Fesc:
        return QStringLiteral("f<sub>esc</sub>");
    case rs::ml::Target::Nf:
        return QStringLiteral("x<sub>HI</sub> of the slice");
    case rs::ml::Target::NfCube:
        return QStringLiteral("x<sub>HI</sub> of the cube");
    case rs::ml::Target::None:
        break;
    }
    return QStringLiteral("label");
}

} // namespace rs::ui
