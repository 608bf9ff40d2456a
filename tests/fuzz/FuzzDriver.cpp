// A stand-in for libFuzzer's main, so every fuzz target also builds with GCC and runs in CI:
//   fuzz_target [--mutations N] SEED_FILE_OR_DIR...
// runs each seed, then N deterministic mutations of it (bit flips, cuts, repeats, random
// bytes). A crash, hang or sanitizer report fails the test. With RUNLENS_BUILD_FUZZ=ON and
// clang, the same targets link libFuzzer instead (tests/fuzz/README.md).

#include <QDirIterator>
#include <QFile>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

// On a crash, the input that caused it is written to ./crash-<target>.bin to replay.
const std::string* g_current = nullptr;
const char* g_name = "fuzz";

void dumpInput(int signal) {
    if (g_current) {
        const std::string path = std::string("crash-") + g_name + ".bin";
        if (FILE* f = fopen(path.c_str(), "wb")) {
            fwrite(g_current->data(), 1, g_current->size(), f);
            fclose(f);
            fprintf(stderr, "crashing input (%zu bytes) written to %s\n", g_current->size(),
                    path.c_str());
        }
    }
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

void run(const std::string& input) {
    g_current = &input;
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

std::string mutate(const std::string& seed, std::mt19937& rng) {
    std::string s = seed;
    const int edits = 1 + int(rng() % 4);
    for (int e = 0; e < edits; ++e) {
        const size_t pos = s.empty() ? 0 : rng() % s.size();
        switch (rng() % 6) {
            case 0:
                if (!s.empty()) s[pos] = char(s[pos] ^ (1 << (rng() % 8)));
                break;
            case 1:
                s.resize(pos);
                break;  // cut: a file being written
            case 2:
                s.insert(pos, 1, char(rng() % 256));
                break;
            case 3:
                if (!s.empty()) s.erase(pos, 1 + rng() % 16);
                break;
            case 4:
                s.insert(pos, s.substr(pos, rng() % 64));
                break;  // repeat a piece
            default:
                if (!s.empty()) s[pos] = "\n \t:.-e0123456789nainf"[rng() % 22];
                break;
        }
    }
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    int mutations = 1000;
    std::vector<std::string> seeds;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--mutations" && i + 1 < argc) {
            mutations = std::stoi(argv[++i]);
            continue;
        }
        QDirIterator it(QString::fromLocal8Bit(argv[i]), QDir::Files, QDirIterator::Subdirectories);
        QStringList files;
        if (QFileInfo(QString::fromLocal8Bit(argv[i])).isFile())
            files << QString::fromLocal8Bit(argv[i]);
        while (it.hasNext())
            files << it.next();
        for (const QString& path : files) {
            QFile f(path);
            if (f.open(QIODevice::ReadOnly)) seeds.push_back(f.read(4 << 20).toStdString());
        }
    }
    if (seeds.empty()) seeds.push_back({});
    if (const char* slash = strrchr(argv[0], '/')) g_name = slash + 1;
    for (int sig : {SIGABRT, SIGSEGV, SIGFPE, SIGBUS, SIGILL})
        std::signal(sig, dumpInput);
    std::mt19937 rng(12345);
    size_t runs = 0;
    for (const std::string& seed : seeds) {
        run(seed);
        ++runs;
        for (int m = 0; m < mutations; ++m) {
            const std::string input = mutate(seed, rng);
            run(input);
            ++runs;
        }
    }
    printf("%zu inputs from %zu seeds ran without a crash\n", runs, seeds.size());
    return 0;
}
