#include "FormatRegistry.h"

#include "sources/CometSource.h"
#include "sources/CsvSource.h"
#include "sources/MlflowFileSource.h"
#include "sources/MlflowRestSource.h"
#include "sources/MlflowSqlSource.h"
#include "sources/NeptuneClientSource.h"
#include "sources/NeptuneExportSource.h"
#include "sources/NeptuneScaleSource.h"
#include "sources/OptunaJournalSource.h"
#include "sources/OptunaSqlSource.h"
#include "sources/TensorBoardSource.h"
#include "sources/WandbSource.h"

namespace runlens {

const std::vector<Format>& formats() {
    static const std::vector<Format> kFormats = {
        MlflowFileSource::format(),   MlflowSqlSource::format(),     TensorBoardSource::format(),
        OptunaSqlSource::format(),    OptunaJournalSource::format(), WandbSource::format(),
        CometSource::format(),        CsvSource::format(),           NeptuneClientSource::format(),
        NeptuneScaleSource::format(), NeptuneExportSource::format(), MlflowRestSource::format(),
    };
    return kFormats;
}

const Format* formatOfKind(const QString& kind) {
    for (const Format& format : formats())
        if (format.kind == kind) return &format;
    return nullptr;
}

}  // namespace runlens
