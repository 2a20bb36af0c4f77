package dev.quire.server;

import dev.quire.datasets.DocumentReader;
import dev.quire.samples.GroundTruth;
import dev.quire.samples.SyntheticCorpus;
import dev.quire.server.collections.Collection;
import dev.quire.server.collections.Collections;
import dev.quire.server.jobs.JobRecord;
import dev.quire.server.jobs.Jobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample corpus a new server shows: generated under {@code <data>/sample/corpus} and indexed
 * by an ordinary job at the first start, so search works while it indexes and a restart resumes
 * it. A marker file records that the job was submitted; later starts leave the collection alone
 * (its documents may have been deleted on purpose).
 */
final class SampleCorpus {
  private static final Logger LOG = LoggerFactory.getLogger(SampleCorpus.class);

  static final String MARKER = "submitted";

  private SampleCorpus() {}

  /** Whether a start will seed the sample corpus (it has not been submitted before). */
  static boolean pending(Path dataDirectory) {
    return !Files.exists(dataDirectory.resolve("sample").resolve(MARKER));
  }

  /** Submits the sample's indexing job, unless an earlier start did; returns it if submitted now. */
  static java.util.Optional<JobRecord> seed(
      ServerConfig.Sample sample, Path dataDirectory, Collections collections, Jobs jobs,
      DocumentReader reader)
      throws IOException {
    Path folder = dataDirectory.resolve("sample");
    Path marker = folder.resolve(MARKER);
    if (Files.exists(marker)) {
      return java.util.Optional.empty();
    }
    Path corpus = folder.resolve("corpus");
    if (!Files.isRegularFile(corpus.resolve(GroundTruth.FILE_NAME))) {
      LOG.info("generating the sample corpus: {} documents into {}", sample.documents(), corpus);
      SyntheticCorpus.generate(corpus, sample.documents(), sample.seed());
    }
    Collection collection = collections.getOrCreate(sample.collection());
    List<Path> files = reader.discover(List.of(corpus));
    JobRecord job = jobs.submit(collection, files, List.of(), List.of(), null, "system", "startup", "sample");
    Files.writeString(marker, job.id() + "\n");
    LOG.info("indexing the sample corpus into collection {} (job {})", collection.name(), job.id());
    return java.util.Optional.of(job);
  }
}
