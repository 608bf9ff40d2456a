#include "BackgroundLoader.h"

#include <QCoreApplication>
#include <QThreadPool>

#include "ThreadPriority.h"

namespace runlens {

namespace {
// A project let go on the GUI thread (another one opened) is deleted on the pool: its sources
// save their indexes as they go (a 2,000-run MLflow store's took the window 100 ms).
void deleteAway(LoadedProject* project) {
    if (!QCoreApplication::instance() ||
        QThread::currentThread() != QCoreApplication::instance()->thread()) {
        delete project;
        return;
    }
    backgroundPool().start([project] {
        lowerThreadPriority();
        delete project;
    });
}
}  // namespace

BackgroundLoader::BackgroundLoader(QObject* parent) : QObject(parent) {}

BackgroundLoader::~BackgroundLoader() {
    cancel();
    if (m_thread) m_thread->wait();
}

void BackgroundLoader::cancel() {
    if (m_cancel) m_cancel->store(true);
}

void BackgroundLoader::open(const QString& path, const ScanOptions& options) {
    cancel();
    if (m_thread) {
        m_thread->disconnect(this);
        m_thread->wait();
        m_thread = nullptr;
    }
    auto cancelFlag = std::make_shared<std::atomic_bool>(false);
    m_cancel = cancelFlag;
    const int generation = ++m_generation;
    ScanOptions scanOptions = options;
    QThread* thread = QThread::create([this, path, scanOptions, cancelFlag, generation]() mutable {
        lowerThreadPriority();  // and the sources' scan pools, whose threads it starts
        scanOptions.cancel = cancelFlag.get();
        auto sources = std::make_shared<std::atomic_int>(0);
        scanOptions.progress = [this, sources](int n) { emit progress(sources->load(), n); };
        std::shared_ptr<LoadedProject> project(
            new LoadedProject(loadProject(path, scanOptions, {},
                                          [this, sources](int found) {
                                              sources->store(found);
                                              emit progress(found, 0);
                                          })),
            &deleteAway);
        QMetaObject::invokeMethod(
            this,
            [this, path, project, generation] {
                if (generation == m_generation) finish(path, project);
            },
            Qt::QueuedConnection);
    });
    m_thread = thread;
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
}

void BackgroundLoader::finish(const QString& path, std::shared_ptr<LoadedProject> project) {
    if (m_thread) m_thread->wait();
    m_thread = nullptr;
    auto delta = std::make_shared<ScanDelta>(std::move(project->delta));
    project->delta = {};
    m_project = std::move(project);
    emit loaded(path, delta, delta->cancelled);
}

}  // namespace runlens
