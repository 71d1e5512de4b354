#include "explorer/slice_export.h"

#include "io/npy.h"
#include "shell/text_format.h"
#include "util/error.h"
#include "util/file_util.h"

#include <QBuffer>
#include <QFileInfo>

#include <cstdio>

namespace rs::ui {

void writeSliceNpy(const QString& path, const SliceView& slice)
{
    const std::vector<float> values = slice.toVector();
    writeNpy(path.toStdString(), values.data(), {slice.rows(), slice.cols()});
}

void writeSliceCsv(const QString& path, const SliceView& slice, const QStringList& comments)
{
    std::string text;
    for (const QString& c : comments)
        text += "# " + c.toStdString() + "\n";
    text.reserve(text.size() + slice.rows() * slice.cols() * 12);
    char buf[32];
    for (std::size_t r = 0; r < slice.rows(); ++r) {
        for (std::size_t c = 0; c < slice.cols(); ++c) {
            const int n = std::snprintf(buf, sizeof buf, c ? ",%.9g" : "%.9g", double(slice.at(r, c)));
            text.append(buf, std::size_t(n));
        }
        text += '\n';
    }
    writeFileAtomically(path.toStdString(), text.data(), text.size());
}

void writePng(const QString& path, const QImage& image)
{
    if (image.isNull())
        throw IoError(path.toStdString(), "nothing to save: the view has not been drawn yet");
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG"))
        throw IoError(path.toStdString(), "could not encode the image as PNG");
    writeFileAtomically(path.toStdString(), bytes.constData(), std::size_t(bytes.size()));
}

QStringList sliceComments(const LoadedCube& cube, int axis, int index)
{
    const char names[3] = {'x', 'y', 'z'};
    const auto& shape = cube.cube.shape();
    QStringList c;
    c << QStringLiteral("ReionScope slice of %1").arg(QString::fromStdString(cube.cube.metadata().sourcePath));
    c << QStringLiteral("quantity: %1 (%2)")
             .arg(quantityWithUnitsPlain(cube.quantity()), quantityWords(cube.quantity()));
    c << redshiftText(cube.cube.redshift());
    if (!cube.runLabel.isEmpty())
        c << QStringLiteral("run: %1").arg(cube.runLabel);
    c << QStringLiteral("slice: perpendicular to %1 (cube axis %2), index %3 of %4, at %5 Mpc")
             .arg(QLatin1Char(names[axis]))
             .arg(axis)
             .arg(index)
             .arg(shape[std::size_t(axis)])
             .arg((index + 0.5) * cube.cube.cellSize(axis), 0, 'f', 3);
    const int rowsAxis = axis == 0 ? 1 : 0, colsAxis = axis == 2 ? 1 : 2;
    c << QStringLiteral("rows run along %1, columns along %2; cell %3 Mpc")
             .arg(QLatin1Char(names[rowsAxis]))
             .arg(QLatin1Char(names[colsAxis]))
             .arg(cube.cube.cellSize(colsAxis), 0, 'g', 6);
    return c;
}

QString sliceFileStem(const LoadedCube& cube, int axis, int index)
{
    const char names[3] = {'x', 'y', 'z'};
    QString stem
        = QString::fromLatin1(quantityName(cube.quantity()).data(), qsizetype(quantityName(cube.quantity()).size()));
    if (cube.cube.redshift())
        stem += QStringLiteral("_z%1").arg(*cube.cube.redshift(), 0, 'f', 2);
    return stem + QStringLiteral("_%1%2").arg(QLatin1Char(names[axis])).arg(index, 3, 10, QLatin1Char('0'));
}

} // namespace rs::ui
