#include "ParquetLists.h"

namespace runlens {

bool ParquetLists::build(const ParquetColumnDescriptor& column, const ParquetColumnData& data,
                         QString* error) {
    begin.clear();
    firstLevel.clear();
    if (column.maxRepetitionLevel != 1) {
        if (error)
            *error = QStringLiteral("column %1 is not a list of values (%2 repeated fields)")
                         .arg(column.dottedPath())
                         .arg(column.maxRepetitionLevel);
        return false;
    }
    elementLevel = 0;
    for (const auto& node : column.nodes)
        if (node.repetition == ParquetRepetition::Repeated) elementLevel = node.definitionLevel;
    const bool required = data.definitionLevels.empty();
    for (size_t i = 0; i < data.size; ++i) {
        if (data.repetitionLevels[i] != 0) continue;
        begin.push_back(uint32_t(i));
        firstLevel.push_back(required ? uint8_t(column.maxDefinitionLevel)
                                      : data.definitionLevels[i]);
    }
    begin.push_back(uint32_t(data.size));
    return true;
}

}  // namespace runlens
