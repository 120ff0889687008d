/**
 * The service's one typed configuration, validated at start with messages that name the key, what is wrong and the
 * fix, and never a secret's value.
 *
 * <p>{@link dev.enricher.config.EnricherConfig} is the public face: it loads a YAML file and hands each part its
 * typed settings. Behind it, one class per step of the reading: {@code EnvSubstitution} ({@code ${VAR}} in the text),
 * {@code YamlConfigReader} (sections to dotted keys, {@code streams:} and {@code tasks:}), {@code EnvOverrides}
 * ({@code ENRICHER_*}), {@code ConfigValues} (each key typed by its {@code ConfigType}), {@code TaskListReader},
 * {@code ApiKeyLookup} and {@code CrossChecks}. Keys are declared once, in {@code ConfigKeys}; the README's
 * reference is generated from them ({@code ConfigReference}).
 *
 * <p>May use the settings types of {@code client}, {@code engine}, {@code serde}, {@code tasks}, {@code topology} and {@code tracing}
 * (to build and so validate them), Jackson's YAML reader and commons-text. Nothing here starts anything; only
 * {@code cli} and {@code service} depend on this package.
 */
package dev.enricher.config;
