#include "studio/stack_cube.h"

#include "explorer/linked_slices_view.h"
#include "explorer/slice_panel.h"

#include <algorithm>

namespace rs::ui {

LoadedCube stackCube(const std::vector<float>& values, std::size_t count, std::size_t rows, std::size_t cols,
    double cell, Quantity q, std::optional<double> z, const SummaryStats& range, const QString& caption)
{
    CubeMetadata m;
    m.quantity = q;
    m.redshift = z;
    Cube c
        = Cube::uninitialized({count, rows, cols}, {double(count) * cell, double(rows) * cell, double(cols) * cell}, m);
    std::copy(values.begin(), values.begin() + std::ptrdiff_t(count * rows * cols), c.mutableData());
    LoadedCube lc;
    lc.cube = c;
    lc.stats = range;
    lc.caption = caption;
    return lc;
}

void showCubesInOrder(LinkedSlicesView* view, std::vector<LoadedCube> cubes)
{
    const int n = int(cubes.size());
    Snapshot s;
    s.cubes = std::move(cubes);
    view->setSnapshot(s);
    for (int i = 0; i < std::min(n, LinkedSlicesView::kMaxPanels); ++i)
        if (view->panel(i)->selectedCube() != i)
            view->panel(i)->setCubes(view->cubes(), i);
}

} // namespace rs::ui
