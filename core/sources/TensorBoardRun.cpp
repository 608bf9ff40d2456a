#include "TensorBoardRun.h"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>

#include "codec/LocalFiles.h"
#include "codec/TfRecordReader.h"

namespace runlens {

namespace {

// As for MLflow's metric files: unchanged this long, a file is no longer being written.
constexpr double kSettledSeconds = 2;

QString text(std::string_view b) {
    return QString::fromUtf8(b.data(), qsizetype(b.size()));
}

}  // namespace

void TensorBoardRun::reset() {
    m_files.clear();
    m_tags.clear();
    m_scalars.clear();
    m_skipped.clear();
    m_hparams = {};
    m_hasHParams = false;
    m_firstWallTime = m_lastWallTime = 0;
    m_problems.clear();
}

const TensorBoardRun::Scalar* TensorBoardRun::scalar(const QString& tag) const {
    for (const Scalar& s : m_scalars)
        if (s.tag == tag) return &s;
    return nullptr;
}

bool TensorBoardRun::update(const std::vector<std::string>& fileNames, const Options& options) {
    // Files are read in name order; a known file that vanished or shrank means the run was
    // rewritten: start over.
    bool restart = fileNames.size() < m_files.size();
    for (size_t i = 0; i < m_files.size() && !restart; ++i) {
        struct stat st;
        restart = fileNames[i] != m_files[i].name ||
                  stat((m_dir + '/' + fileNames[i]).c_str(), &st) != 0 ||
                  uint64_t(st.st_size) < m_files[i].offset;
    }
    if (restart) reset();
    const bool firstRead = m_files.empty();
    bool changed = restart;
    for (size_t i = m_files.size(); i < fileNames.size(); ++i)
        m_files.push_back({fileNames[i], 0, false});

    thread_local std::string buffer;
    for (size_t i = 0; i < m_files.size(); ++i) {
        FileState& file = m_files[i];
        const std::string path = m_dir + '/' + file.name;
        struct stat st;
        if (stat(path.c_str(), &st) != 0) continue;
        if (!S_ISREG(st.st_mode)) {
            // A FIFO or a link to a device named like an event file: said once, never read.
            if (!file.refused) {
                QString error;
                isRegularFile(path, &error);
                m_problems.append({QString::fromStdString(path), error});
                file.refused = changed = true;
            }
            continue;
        }
        if (uint64_t(st.st_size) == file.offset) continue;
        QString error;
        if (!readFileFrom(path, file.offset, buffer, &error)) {
            m_problems.append({QString::fromStdString(path), error});
            changed = true;
            continue;
        }
        if (buffer.empty()) continue;
        const std::string_view fresh(buffer.data(), buffer.size());
        // A file left alone for a while is not being written: a record running past its end
        // is damage then, not a record still to come.
        const double ageSeconds = double(time(nullptr) - st.st_mtim.tv_sec);
        const TfRecordScan scan = scanTfRecords(
            fresh, file.offset,
            [&](std::string_view record, uint64_t offset) {
                readRecord(record, offset, int(i), path, options);
            },
            ageSeconds > kSettledSeconds);
        for (const TfRecordIssue& issue : scan.issues)
            m_problems.append({QString::fromStdString(path), issue.message});
        changed = changed || scan.resumeOffset != file.offset;
        file.offset = scan.resumeOffset;
    }
    // Once, after the first read: shrinking on every live update would copy whole series.
    if (changed && firstRead)
        for (Scalar& s : m_scalars) {
            // At most 24 bytes a point: give back what vector growth over-allocated.
            if (s.series.values.capacity() > s.series.values.size() + s.series.values.size() / 8) {
                s.series.steps.shrink_to_fit();
                s.series.values.shrink_to_fit();
                s.series.wallTimesMs.shrink_to_fit();
            }
        }
    return changed;
}

bool TensorBoardRun::updateGuarded(const std::vector<std::string>& fileNames,
                                   const Options& options) {
    QString what;
    try {
        return update(fileNames, options);
    } catch (const std::exception& e) {
        what = QString::fromLocal8Bit(e.what());
    } catch (...) {
        what = QStringLiteral("an unknown error");
    }
    reset();
    m_problems.append({QString::fromStdString(m_dir),
                       QStringLiteral("Reading this run failed (%1); it is read again at the next "
                                      "look")
                           .arg(what)});
    return true;
}

TensorBoardRun::TagState& TensorBoardRun::tagState(std::string_view tag,
                                                   const SummaryValueView& first, int fileIndex) {
    if (auto it = m_tags.find(tag); it != m_tags.end()) return it->second;
    // A tag's kind comes from its first value's metadata (TensorBoard's data_compat).
    TagState state;
    SummaryMetadataView meta;
    if (!first.metadata.empty()) decodeSummaryMetadata(first.metadata, meta);
    QString skippedAs;
    if (first.simpleValue) {
        state.kind = TagKind::Scalar;
    } else if (meta.pluginName == "scalars" ||
               (meta.dataClass == 1 && meta.pluginName != "hparams")) {
        state.kind = TagKind::Scalar;
    } else if (meta.pluginName == "hparams") {
        state.kind = TagKind::HParams;
    } else {
        state.kind = TagKind::Skipped;
        skippedAs = first.legacyKind           ? QString::fromLatin1(first.legacyKind)
                    : !meta.pluginName.empty() ? text(meta.pluginName)
                                               : QStringLiteral("tensors");
    }
    if (state.kind == TagKind::Scalar) {
        state.scalarIndex = int(m_scalars.size());
        m_scalars.push_back({text(tag), {}});
    } else if (state.kind == TagKind::Skipped) {
        QStringList& tags = m_skipped[skippedAs];
        tags.insert(std::lower_bound(tags.begin(), tags.end(), text(tag)), text(tag));
    }
    state.lastFile = fileIndex;
    return m_tags.emplace(std::string(tag), state).first->second;
}

void TensorBoardRun::purgeFrom(int64_t step) {
    for (Scalar& s : m_scalars)
        s.series.removeStepsFrom(step);
}

void TensorBoardRun::readRecord(std::string_view record, uint64_t offset, int fileIndex,
                                const std::string& path, const Options& options) {
    EventView event;
    auto undecodable = [&] {
        m_problems.append(
            {QString::fromStdString(path),
             QStringLiteral("record at offset %1 is not a TensorBoard event; it was skipped")
                 .arg(offset)});
    };
    if (!decodeEvent(record, event)) return undecodable();
    if (event.wallTime > 0) {
        if (m_firstWallTime == 0 || event.wallTime < m_firstWallTime)
            m_firstWallTime = event.wallTime;
        m_lastWallTime = std::max(m_lastWallTime, event.wallTime);
    }
    // A restart (PyTorch's purge_step) writes SessionLog START at the step it resumes from:
    // points at or after it are orphans of the crashed attempt (event_accumulator.py, _Purge).
    if (event.sessionLogStatus == 1 && options.purgeRestarts) purgeFrom(event.step);
    if (event.summary.empty()) return;
    const double wallTimeMs = event.wallTime * 1000.0;
    const bool ok = forEachSummaryValue(event.summary, [&](const SummaryValueView& value) {
        TagState& state = tagState(value.tag, value, fileIndex);
        if (state.kind == TagKind::HParams) {
            SummaryMetadataView meta;
            if (decodeSummaryMetadata(value.metadata, meta) && !meta.pluginContent.empty()) {
                if (!decodeHParamsPluginData(meta.pluginContent, m_hparams)) return undecodable();
                m_hasHParams = true;
            }
            return;
        }
        if (state.kind != TagKind::Scalar) return;
        std::optional<double> number;
        if (value.simpleValue)
            number = *value.simpleValue;
        else if (!value.tensor.empty())
            number = scalarFromTensor(value.tensor);
        if (!number) return;
        MetricSeries& series = m_scalars[size_t(state.scalarIndex)].series;
        // A newer file that goes back in steps is a restart without purge_step: its points
        // replace the older ones from that step on (TensorBoard's Rust server keeps both).
        if (options.purgeRestarts && fileIndex > state.lastFile && !series.empty() &&
            event.step <= series.steps.back()) {
            series.removeStepsFrom(event.step);
        }
        state.lastFile = fileIndex;
        series.append(event.step, *number, wallTimeMs);
    });
    if (!ok) undecodable();
}

}  // namespace runlens
