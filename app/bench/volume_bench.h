#pragma once
#include "cube/cube.h"

#include <QJsonObject>
#include <QSize>

/// Volume frames per second for a cube on this machine's OpenGL: while dragging (reduced quality,
/// both through real mouse events and by turning the camera directly) and for still frames.
QJsonObject benchVolume(const rs::Cube& cube, const QString& source, QSize size, int frames);
