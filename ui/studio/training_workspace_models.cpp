// TrainingWorkspace: the views of what a trained model does, one tab per run kind: Translation
// (unet runs), Generator (generator runs) and Latent traversal (autoencoder runs). A tab shows
// only while the current run is of its kind.
#include "studio/training_workspace.h"

#include "studio/generator_view.h"
#include "studio/latent_view.h"
#include "studio/predictor_pool.h"
#include "studio/translation_view.h"

#include <QTabWidget>

namespace rs::ui {

void TrainingWorkspace::buildModelViews()
{
    m_translation = new TranslationView(m_tabs);
    m_generator = new GeneratorView(m_tabs);
    m_latent = new LatentView(m_pool.get(), m_tabs);
    m_tabs->addTab(m_translation, tr("Translation"));
    m_tabs->addTab(m_generator, tr("Generator"));
    m_tabs->addTab(m_latent, tr("Latent traversal"));
    for (Tab t : {Tab::Translation, Tab::Generator, Tab::Latent})
        m_tabs->setTabVisible(int(t), false);
    connect(m_translation, &TranslationView::problem, this, &Workspace::problem);
    connect(m_generator, &GeneratorView::problem, this, &Workspace::problem);
    connect(m_latent, &LatentView::problem, this, &Workspace::problem);
}

bool TrainingWorkspace::isTabShown(Tab t) const
{
    return m_tabs->isTabVisible(int(t));
}

void TrainingWorkspace::updateModelTabs(const rs::ml::RunConfig* config)
{
    const rs::ml::Task task = config ? config->task : rs::ml::Task::Classify;
    const bool known = config != nullptr;
    const std::pair<Tab, bool> shown[] {{Tab::Translation, known && task == rs::ml::Task::Translate},
        {Tab::Generator, known && task == rs::ml::Task::Generate},
        {Tab::Latent, known && task == rs::ml::Task::Reconstruct}};
    for (const auto& [tab, on] : shown)
        if (m_tabs->isTabVisible(int(tab)) != on)
            m_tabs->setTabVisible(int(tab), on);
}

void TrainingWorkspace::resetModelViews()
{
    const rs::ml::RunConfig none;
    m_translation->setRun(QString(), none);
    m_generator->setRun(QString(), none);
    m_latent->setRun(QString(), none);
}

} // namespace rs::ui
