#include "studio_screenshots.h"

#include "bench_util.h"

#include "explorer/linked_slices_view.h"
#include "explorer/slice_panel.h"
#include "shell/job_runner.h"
#include "shell/main_window.h"
#include "studio/cube_prediction_view.h"
#include "studio/curves_view.h"
#include "studio/dataset_source_panel.h"
#include "studio/evaluation_view.h"
#include "studio/new_run_dialog.h"
#include "studio/projection_view.h"
#include "studio/reconstruction_view.h"
#include "studio/runs_model.h"
#include "studio/runs_panel.h"
#include "studio/training_workspace.h"
#include "vtk/slice_canvas.h"

#include <QChart>
#include <QChartView>
#include <QCoreApplication>
#include <QDir>
#include <QGuiApplication>
#include <QMouseEvent>
#include <QScreen>

#include <cstdio>

namespace {

void settle(int ms)
{
    bench::waitUntil([] { return false; }, ms);
}

void save(const QImage& img, const QString& dir, const char* name)
{
    const QString path = QDir(dir).filePath(QString::fromLatin1(name));
    if (img.isNull() || !img.save(path))
        std::fprintf(stderr, "screenshots: could not save %s\n", qPrintable(path));
    else
        std::fprintf(stderr, "  wrote %s (%dx%d)\n", qPrintable(path), img.width(), img.height());
}

void hover(QWidget* w, QPointF at)
{
    QMouseEvent move(QEvent::MouseMove, at, w->mapToGlobal(at), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QCoreApplication::sendEvent(w, &move);
}

} // namespace

void takeStudioScreenshots(rs::ui::MainWindow& w, const QString& dir, const QString& cliRun, const QString& guiRun,
    const QString& aeRun, const QString& dataset)
{
    using namespace rs::ui;
    QDir().mkpath(dir);
    TrainingWorkspace* s = w.training();
    RunsModel* model = s->runsModel();
    bench::waitUntil([&] { return model->rowOf(aeRun) >= 0 && model->rowOf(cliRun) >= 0; }, 20000);

    w.showWorkspace(s);
    s->showTab(TrainingWorkspace::Tab::Curves);
    s->runsPanel()->selectRuns({guiRun});
    settle(2500);
    CurvesView* curves = s->curves();
    QChartView* loss = curves->lossView();
    curves->hoverAt(loss, QPointF(loss->width() * 0.6, loss->height() * 0.45));
    save(grabWithGlViews(&w), dir, "studio_training.png");
    // What the X server shows a few frames later (grab() renders the widgets afresh; this shows
    // that the paced frames really reach the screen).
    settle(3000);
    save(QGuiApplication::primaryScreen()->grabWindow(w.winId()).toImage(), dir, "studio_training_on_screen.png");
    save(curves->renderImage(), dir, "studio_curves.png");

    s->runsPanel()->selectRuns({guiRun, cliRun});
    settle(800);
    save(curves->renderImage(), dir, "studio_curves_overlay.png");
    curves->setXAxis(CurvesView::XAxis::Step);
    curves->setLogLoss(true);
    settle(500);
    save(curves->renderImage(), dir, "studio_curves_overlay_step_log.png");
    curves->setXAxis(CurvesView::XAxis::Epoch);
    curves->setLogLoss(false);
    s->showTab(TrainingWorkspace::Tab::Configs);
    settle(500);
    save(grabWithGlViews(&w), dir, "studio_compare.png");

    s->runsPanel()->selectRuns({aeRun});
    s->showTab(TrainingWorkspace::Tab::Reconstructions);
    ReconstructionView* recon = s->reconstructions();
    bench::waitUntil([&] { return recon->reconstructions().has_value() && !recon->job()->isRunning(); }, 120000);
    recon->showSample(5);
    settle(1000);
    SliceCanvas* c = recon->slices()->panel(0)->canvas();
    hover(c, QPointF(c->width() * 0.45, c->height() * 0.4));
    settle(600);
    save(grabWithGlViews(&w), dir, "studio_reconstructions.png");

    s->runsPanel()->selectRuns({cliRun});
    s->showTab(TrainingWorkspace::Tab::Evaluation);
    EvaluationView* eval = s->evaluation();
    bench::waitUntil([&] { return eval->metrics().has_value() && !eval->job()->isRunning(); }, 120000);
    eval->cubeView()->predictExplorerCube(2);
    bench::waitUntil([&] { return eval->cubeView()->cubePrediction().has_value(); }, 120000);
    settle(600);
    save(grabWithGlViews(&w), dir, "studio_evaluation.png");

    s->showTab(TrainingWorkspace::Tab::Projection);
    ProjectionView* proj = s->projection();
    proj->compute();
    bench::waitUntil([&] { return proj->projection().has_value() && !proj->job()->isRunning(); }, 120000);
    proj->openPoint(0);
    bench::waitUntil([&] { return proj->openedSample() >= 0; }, 20000);
    settle(800);
    save(grabWithGlViews(&w), dir, "studio_projection.png");

    std::unique_ptr<NewRunDialog> dlg(s->createNewRunDialog());
    dlg->datasetPanel()->setDatasetPath(dataset);
    bench::waitUntil([&] { return dlg->datasetPanel()->dataset() != nullptr; }, 20000);
    dlg->resize(1150, 780);
    dlg->show();
    settle(800);
    save(dlg->grab().toImage(), dir, "studio_new_run.png");
    dlg->close();
    s->showTab(TrainingWorkspace::Tab::Curves);
}
