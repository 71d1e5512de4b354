// Desktop integration files: the MIME type recognises ReionScope HDF5 files (and stays an HDF5
// sub-class), the desktop entry opens files with the installed icon.
#include "fixtures.h"

#include "cube/cube.h"
#include "io/reionscope_h5.h"

#include <QMimeDatabase>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

class TestPackaging : public QObject {
    Q_OBJECT

public:
    static void initMain()
    {
        // QMimeDatabase reads XDG_DATA_DIRS once, on first use: point it at a database built from
        // the system's freedesktop.org.xml plus ours before anything asks.
        static QTemporaryDir root;
        qputenv("REIONSCOPE_TEST_MIME_ROOT", root.path().toUtf8());
        qputenv("XDG_DATA_DIRS", root.path().toUtf8());
        qputenv("XDG_DATA_HOME", root.filePath(QStringLiteral("home")).toUtf8());
    }

private:
    QString m_root;
    bool m_mimeReady = false;
    QString m_why;

private Q_SLOTS:
    void initTestCase()
    {
        m_root = qEnvironmentVariable("REIONSCOPE_TEST_MIME_ROOT");
        const QString updater = QStandardPaths::findExecutable(QStringLiteral("update-mime-database"));
        const QString freedesktop = QStringLiteral("/usr/share/mime/packages/freedesktop.org.xml");
        if (updater.isEmpty() || !QFileInfo::exists(freedesktop)) {
            m_why = QStringLiteral("shared-mime-info (update-mime-database) is not installed");
            return;
        }
        const QString packages = m_root + QStringLiteral("/mime/packages");
        QVERIFY(QDir().mkpath(packages));
        QVERIFY(QFile::copy(freedesktop, packages + QStringLiteral("/freedesktop.org.xml")));
        QVERIFY(QFile::copy(QStringLiteral(REIONSCOPE_SOURCE_DIR "/packaging/linux/reionscope-mime.xml"),
            packages + QStringLiteral("/reionscope.xml")));
        QProcess p;
        p.start(updater, {m_root + QStringLiteral("/mime")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        m_mimeReady = true;
    }

    void reionscopeFilesHaveTheirType()
    {
        if (!m_mimeReady)
            QSKIP(qPrintable(m_why));
        QTemporaryDir dir;
        const QString h5 = dir.filePath(QStringLiteral("cubes.h5"));
        rs::CubeMetadata meta;
        meta.quantity = rs::Quantity::Density;
        rs::writeReionScopeH5(h5.toStdString(), {rs::Cube({4, 4, 4}, {8, 8, 8}, meta)});
        QMimeDatabase db;
        const QMimeType t = db.mimeTypeForFile(h5);
        QCOMPARE(t.name(), QStringLiteral("application/x-reionscope-hdf5"));
        QVERIFY(t.inherits(QStringLiteral("application/x-hdf")));
        QVERIFY(!t.comment().isEmpty());
        // Other files keep their types: a text file named .h5 is not HDF5 content.
        const QString other = dir.filePath(QStringLiteral("notes.txt"));
        QFile f(other);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("hello\n");
        f.close();
        QVERIFY(db.mimeTypeForFile(other).name() != QStringLiteral("application/x-reionscope-hdf5"));
    }

    void desktopEntryOpensFilesWithTheIcon()
    {
        QSettings entry(QStringLiteral(REIONSCOPE_SOURCE_DIR "/packaging/linux/org.reionscope.ReionScope.desktop"),
            QSettings::IniFormat);
        entry.beginGroup(QStringLiteral("Desktop Entry"));
        QCOMPARE(entry.value(QStringLiteral("Type")).toString(), QStringLiteral("Application"));
        QCOMPARE(entry.value(QStringLiteral("Exec")).toString(), QStringLiteral("reionscope %F"));
        QCOMPARE(entry.value(QStringLiteral("Icon")).toString(), QStringLiteral("reionscope"));
        const QString mime = entry.value(QStringLiteral("MimeType")).toStringList().join(QLatin1Char(';'));
        QVERIFY(mime.contains(QStringLiteral("application/x-reionscope-hdf5")));
        for (int size : {16, 32, 48, 256})
            QVERIFY(QFileInfo::exists(
                QStringLiteral(REIONSCOPE_SOURCE_DIR "/resources/icons/reionscope-%1.png").arg(size)));
        const QImage icon(QStringLiteral(REIONSCOPE_SOURCE_DIR "/resources/icons/reionscope-256.png"));
        QCOMPARE(icon.size(), QSize(256, 256));
    }
};

QTEST_GUILESS_MAIN(TestPackaging)
#include "tst_packaging.moc"
