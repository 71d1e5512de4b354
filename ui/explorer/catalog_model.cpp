#include "explorer/catalog_model.h"

#include "shell/text_format.h"

#include <QFileInfo>

#include <algorithm>
#include <cmath>

namespace rs::ui {

namespace {

// internalId: level in the top 2 bits, run index in the next 30, redshift row in the low 32.
constexpr quintptr kLevelShift = 62;
constexpr quintptr kRunShift = 32;

quintptr makeId(quintptr level, quintptr run, quintptr zRow)
{
    return (level << kLevelShift) | (run << kRunShift) | zRow;
}
int levelOf(quintptr id)
{
    return int(id >> kLevelShift);
}
int runOf(quintptr id)
{
    return int((id >> kRunShift) & 0x3fffffff);
}
int zRowOf(quintptr id)
{
    return int(id & 0xffffffff);
}

QString shapeText(const Shape& s, const Extent& box)
{
    const QString grid = s[0] == s[1] && s[1] == s[2] ? QString::number(s[0]) + QStringLiteral("³")
                                                      : QStringLiteral("%1×%2×%3").arg(s[0]).arg(s[1]).arg(s[2]);
    return QStringLiteral("%1, %2 Mpc").arg(grid, formatNumber(box[0], 4));
}

bool sameKey(double a, double b)
{
    return a == b; // unknown redshifts share the key +inf
}

} // namespace

CatalogModel::CatalogModel(QObject* parent)
    : QAbstractItemModel(parent)
{ }

void CatalogModel::setRuns(std::vector<CatalogRun> runs)
{
    beginResetModel();
    m_runs = std::move(runs);
    m_rows.clear();
    for (const CatalogRun& r : m_runs) {
        RunRows rows;
        for (const auto& [z, byQ] : r.cubes) {
            std::vector<Quantity> qs;
            for (const auto& [q, e] : byQ)
                if (e.primary)
                    qs.push_back(q);
            if (qs.empty())
                continue;
            std::sort(qs.begin(), qs.end(), [](Quantity a, Quantity b) { return quantityOrder(a) < quantityOrder(b); });
            rows.z.push_back(z);
            rows.cubes.push_back(std::move(qs));
        }
        m_rows.push_back(std::move(rows));
    }
    endResetModel();
}

int CatalogModel::cubeCount() const
{
    int n = 0;
    for (const RunRows& r : m_rows)
        for (const auto& qs : r.cubes)
            n += int(qs.size());
    return n;
}

std::vector<double> CatalogModel::redshifts(int run) const
{
    if (run < 0 || run >= int(m_rows.size()))
        return {};
    return m_rows[std::size_t(run)].z;
}

QModelIndex CatalogModel::runIndex(int run) const
{
    return run >= 0 && run < int(m_runs.size()) ? createIndex(run, 0, makeId(0, 0, 0)) : QModelIndex();
}

QModelIndex CatalogModel::redshiftIndex(int run, double zKey) const
{
    if (run < 0 || run >= int(m_rows.size()))
        return {};
    const auto& z = m_rows[std::size_t(run)].z;
    for (std::size_t i = 0; i < z.size(); ++i)
        if (sameKey(z[i], zKey))
            return createIndex(int(i), 0, makeId(1, quintptr(run), 0));
    return {};
}

QModelIndex CatalogModel::cubeIndex(int run, double zKey, Quantity q) const
{
    const QModelIndex zi = redshiftIndex(run, zKey);
    if (!zi.isValid())
        return {};
    const auto& qs = m_rows[std::size_t(run)].cubes[std::size_t(zi.row())];
    for (std::size_t i = 0; i < qs.size(); ++i)
        if (qs[i] == q)
            return createIndex(int(i), 0, makeId(2, quintptr(run), quintptr(zi.row())));
    return {};
}

const CubeEntry* CatalogModel::entryAt(int run, int zRow, int qRow) const
{
    if (run < 0 || run >= int(m_rows.size()))
        return nullptr;
    const RunRows& rows = m_rows[std::size_t(run)];
    if (zRow < 0 || zRow >= int(rows.z.size()) || qRow < 0 || qRow >= int(rows.cubes[std::size_t(zRow)].size()))
        return nullptr;
    const auto& byQ = m_runs[std::size_t(run)].cubes.at(rows.z[std::size_t(zRow)]);
    return &byQ.at(rows.cubes[std::size_t(zRow)][std::size_t(qRow)]);
}

const CubeEntry* CatalogModel::entry(const QModelIndex& index) const
{
    if (!index.isValid() || levelOf(index.internalId()) != 2)
        return nullptr;
    return entryAt(runOf(index.internalId()), zRowOf(index.internalId()), index.row());
}

QModelIndex CatalogModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= columnCount(parent))
        return {};
    if (!parent.isValid())
        return row < int(m_runs.size()) ? createIndex(row, column, makeId(0, 0, 0)) : QModelIndex();
    const int level = levelOf(parent.internalId());
    if (parent.column() != 0)
        return {};
    if (level == 0) {
        const int run = parent.row();
        return row < int(m_rows[std::size_t(run)].z.size()) ? createIndex(row, column, makeId(1, quintptr(run), 0))
                                                            : QModelIndex();
    }
    if (level == 1) {
        const int run = runOf(parent.internalId());
        const auto& cubes = m_rows[std::size_t(run)].cubes[std::size_t(parent.row())];
        return row < int(cubes.size()) ? createIndex(row, column, makeId(2, quintptr(run), quintptr(parent.row())))
                                       : QModelIndex();
    }
    return {};
}

QModelIndex CatalogModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    const quintptr id = child.internalId();
    switch (levelOf(id)) {
    case 1:
        return createIndex(runOf(id), 0, makeId(0, 0, 0));
    case 2:
        return createIndex(zRowOf(id), 0, makeId(1, quintptr(runOf(id)), 0));
    default:
        return {};
    }
}

int CatalogModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return int(m_runs.size());
    if (parent.column() != 0)
        return 0;
    const quintptr id = parent.internalId();
    switch (levelOf(id)) {
    case 0:
        return int(m_rows[std::size_t(parent.row())].z.size());
    case 1:
        return int(m_rows[std::size_t(runOf(id))].cubes[std::size_t(parent.row())].size());
    default:
        return 0;
    }
}

int CatalogModel::columnCount(const QModelIndex&) const
{
    return 2;
}

QVariant CatalogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == 0 ? tr("Run / redshift / cube") : tr("Details");
}

Qt::ItemFlags CatalogModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
}

QVariant CatalogModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const quintptr id = index.internalId();
    const int level = levelOf(id);
    if (level == 0) {
        const CatalogRun& r = m_runs[std::size_t(index.row())];
        switch (role) {
        case Qt::DisplayRole:
            if (index.column() == 0)
                return QString::fromStdString(r.label);
            return shapeText(r.shape, r.box);
        case Qt::ToolTipRole: {
            QString tip = QStringLiteral("<b>%1</b><br>%2<br>")
                              .arg(QString::fromStdString(r.label).toHtmlEscaped(),
                                  QString::fromStdString(r.folder).toHtmlEscaped());
            for (const auto& [k, v] : r.parameters)
                tip += QStringLiteral("%1 = %2<br>")
                           .arg(QString::fromStdString(k), QString::fromStdString(rs::formatValue(v)));
            return tip;
        }
        case KindRole:
            return int(Kind::Run);
        case RunRole:
            return index.row();
        default:
            return {};
        }
    }
    const int run = runOf(id);
    if (level == 1) {
        const double z = m_rows[std::size_t(run)].z[std::size_t(index.row())];
        switch (role) {
        case Qt::DisplayRole:
            if (index.column() == 0)
                return redshiftText(isUnknownRedshift(z) ? std::nullopt : std::optional<double>(z));
            return tr("%n cube(s)", nullptr, int(m_rows[std::size_t(run)].cubes[std::size_t(index.row())].size()));
        case KindRole:
            return int(Kind::Redshift);
        case RunRole:
            return run;
        case RedshiftRole:
            return z;
        default:
            return {};
        }
    }
    const CubeEntry* e = entryAt(run, zRowOf(id), index.row());
    if (!e)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == 0)
            return quantityWithUnitsPlain(e->quantity);
        return QFileInfo(QString::fromStdString(e->path)).fileName();
    case Qt::ToolTipRole:
        return QStringLiteral("%1\n%2 (%3)")
            .arg(quantityWords(e->quantity), QString::fromStdString(e->path),
                QString::fromLatin1(formatName(e->format)));
    case KindRole:
        return int(Kind::Cube);
    case RunRole:
        return run;
    case RedshiftRole:
        return m_rows[std::size_t(run)].z[std::size_t(zRowOf(id))];
    case QuantityRole:
        return int(e->quantity);
    case PathRole:
        return QString::fromStdString(e->path);
    default:
        return {};
    }
}

} // namespace rs::ui
